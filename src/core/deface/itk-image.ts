/** A RegistrationImage as an itk-wasm Image (float32 scalar), for both elastix hosts. */
import type { RegistrationImage } from './types.ts';

export function toItkImage(image: RegistrationImage): unknown {
  return {
    imageType: { dimension: 3, componentType: 'float32', pixelType: 'Scalar', components: 1 },
    name: 'image',
    origin: [...image.origin],
    spacing: [...image.spacing],
    // itk-wasm keeps the direction matrix row-major (get-matrix-element.js): element (r, c) at c + 3r.
    direction: Float64Array.from(image.direction),
    size: [...image.dims],
    metadata: new Map(),
    data: image.data,
  };
}
