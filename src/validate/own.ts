/**
 * Objects keyed by spec text. A key such as `__proto__` must become an ordinary own property (plain assignment
 * would replace the object's prototype and hide the key from every check), and a lookup of `constructor` or
 * `toString` must not find what every object inherits.
 */
export function setOwn<T>(target: { [key: string]: T }, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function getOwn<T>(record: { readonly [key: string]: T }, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
