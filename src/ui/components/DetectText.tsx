/**
 * Where burned-in text detection (OCR) plugs into the main screen — wired by the OCR work, not
 * yet here. The contract it fits:
 *
 * - a button `data-testid="detect-text"` in the workspace toolbar (this slot, left of Export)
 *   runs detection on every loaded image, in the engine workers (src/core/detect/**);
 * - each text region found goes into the redaction plan with `store.addProposals(boxes)`:
 *   source "ocr", status "proposed", image pixel coordinates, an instance scope with the
 *   ORIGINAL SOP Instance UID and the frame(s) it was found on, a `confidence` and a `label`.
 *   The viewer then shows them dashed, with Accept / Reject, and `accept-all-boxes` accepts them;
 *   proposals are never painted until accepted (src/core/pixels/plan.ts isPaintable);
 * - `data-testid="detection-done"` appears once detection has finished.
 *
 * Renders nothing until then.
 */
export function DetectTextSlot() {
  return null;
}
