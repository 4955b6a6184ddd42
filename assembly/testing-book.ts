// Entry point of a test-only build of the whole core (build/testing-book.wasm, test/global-setup.ts):
// the shipped core's exports plus hooks that perturb its internal estimates, so that tests can check
// that a wrong estimate never changes an answer (test/liquidation-price-estimate.test.ts).

export * from "./index";
export { setEstimateBias } from "./liquidation-price";
