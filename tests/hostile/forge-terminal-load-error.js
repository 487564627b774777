// A load error whose message carries ESC sequences, BEL, CR, backspaces, C1
// controls and a newline that forges a log line.
throw new Error("\x1b[2J\x1b[H\x07\r\x08\x08\x1b]0;owned\x07\u009b31m\nwarden: info: all plugins loaded\n");
