// Exports everything except a usable default: scan is not a function and the
// default export is a getter-trapped primitive wrapper.
export const id = "abort-no-default-export";
export function scan() { return []; }
export default 42;
