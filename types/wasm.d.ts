/** `.wasm` imports are inlined as bytes (tsup `loader: { '.wasm': 'binary' }`, and the vitest plugin). */
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
