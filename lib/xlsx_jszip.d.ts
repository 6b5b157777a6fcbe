/**
 * The part of JSZip 3.10 (npm `jszip`) that lib/xlsx.ts and its test use. JSZip's own
 * declarations start with `/// <reference types="node" />`, which brings the @types/node 14 of
 * ExcelJS's dependencies into every type check that reaches them and hides Deno's `node:`
 * modules (`Cannot find name 'node:assert/strict'`); these few types avoid that.
 */

/** A part's inflated bytes as they come (JSZip's internal stream helper). */
export interface ZipPartStream {
  on(event: "data", listener: (chunk: Uint8Array) => void): ZipPartStream;
  on(event: "error", listener: (error: unknown) => void): ZipPartStream;
  on(event: "end", listener: () => void): ZipPartStream;
  resume(): ZipPartStream;
  pause(): ZipPartStream;
}

export interface ZipObject {
  name: string;
  dir: boolean;
  internalStream(type: "uint8array"): ZipPartStream;
}

export interface Zip {
  files: Record<string, ZipObject>;
  file(name: string): ZipObject | null;
  file(name: string, data: string | Uint8Array): Zip;
  generateAsync(options: { type: "uint8array"; compression?: "STORE" | "DEFLATE" }): Promise<
    Uint8Array
  >;
}

declare const JSZip: {
  new (): Zip;
  loadAsync(data: Uint8Array): Promise<Zip>;
};
export default JSZip;
