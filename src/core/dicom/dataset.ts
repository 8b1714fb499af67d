/**
 * The in-memory dataset: elements keep their raw value bytes (always little endian once read),
 * so untouched values — pixel data above all — are written back byte for byte without decoding.
 */

export interface DataElement {
  tag: number;
  vr: string;
  /** Raw value bytes in little-endian order. Empty for sequences and encapsulated pixel data. */
  value: Uint8Array;
  /** Items of a sequence (SQ, or UN content that parsed as a sequence). */
  items?: Dataset[];
  /** Encapsulated pixel data: [Basic Offset Table, ...fragments]. */
  fragments?: Uint8Array[];
  /**
   * A UN (or a sequence by dictionary) whose bytes look like a sequence but read neither as
   * implicit nor as explicit VR items: `value` holds them unchecked.
   */
  unreadSequence?: boolean;
}

export const EMPTY = new Uint8Array(0);

export class Dataset {
  readonly elements = new Map<number, DataElement>();

  /**
   * Specific Character Set in force for this dataset: its own (0008,0005) or, inside a
   * sequence item that has none, the one of the dataset that contains it (PS3.5 6.1.2.5.4).
   */
  constructor(public charset: readonly string[] = []) {}

  get(tag: number): DataElement | undefined {
    return this.elements.get(tag);
  }
  has(tag: number): boolean {
    return this.elements.has(tag);
  }
  set(element: DataElement): void {
    this.elements.set(element.tag, element);
  }
  delete(tag: number): boolean {
    return this.elements.delete(tag);
  }
  /** Elements in ascending tag order, the order Part 10 requires. */
  sorted(): DataElement[] {
    const list = [...this.elements.values()];
    for (let i = 1; i < list.length; i++) {
      if (list[i - 1].tag > list[i].tag) return list.sort((a, b) => a.tag - b.tag);
    }
    return list;
  }
}

/** Visits every element at every depth, depth first, with the item path that leads to it. */
export function walk(
  ds: Dataset,
  visit: (el: DataElement, owner: Dataset, path: readonly PathStep[]) => void,
  path: PathStep[] = [],
): void {
  for (const el of ds.elements.values()) {
    visit(el, ds, path);
    if (el.items) {
      el.items.forEach((item, index) => {
        path.push({ tag: el.tag, index });
        walk(item, visit, path);
        path.pop();
      });
    }
  }
}

export interface PathStep {
  tag: number;
  index: number;
}
