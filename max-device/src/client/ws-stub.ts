/** Stands in for `ws` in the client bundle: osc-js loads it for WebSocket plugins the device never uses. */
export default {};
