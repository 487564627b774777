// A plugin file whose name holds ESC sequences and a newline, and that fails
// to load so the name is printed.
//! file evil\x1b[31m\rwarden: info: all plugins loaded\n\x07x.js
//! id never
export default { id: "Not A Valid Id", scan() { return []; } };
