// Flags responses that disclose internals through error output: stack traces
// (Java, Python, PHP, .NET, Node.js, Go, Ruby) and database error messages.
// Scripts and stylesheets are skipped (their source legitimately contains
// such strings); at most the first 1 MiB of a body is scanned.

import { bodyText } from "warden:std";

const MAX_SCAN_CHARS = 1 << 20;
const SCANNED_MIME =
  /^\s*(text\/(html|plain|xml)|application\/(json|xml|xhtml\+xml|problem\+json|[\w.+-]{1,60}\+(json|xml)))/i;

// Bounded quantifiers only: each pattern is linear in the body length.
const STACK_TRACES = [
  ["Java", /(?:^|\n)\s{0,8}at [\w$]{1,80}(?:\.[\w$<>]{1,80}){2,15}\((?:[\w$]{1,80}\.java:\d{1,6}|Native Method|Unknown Source)\)/],
  ["Java", /\bException in thread "[^"\n]{1,80}" [\w$]{1,80}(?:\.[\w$]{1,80}){1,10}(?:Exception|Error)\b/],
  ["Python", /Traceback \(most recent call last\):\s{0,8}(?:\n|\\n)\s{0,8}File "/],
  ["PHP", /<b>(?:Fatal error|Parse error|Warning|Notice|Deprecated)<\/b>:[^<\n]{1,400} in <b>[^<\n]{1,300}<\/b> on line <b>\d{1,6}<\/b>/],
  ["PHP", /\bPHP (?:Fatal error|Parse error|Warning):\s[^\n]{1,400}? in \/[^\n]{1,300}? on line \d{1,6}/],
  ["PHP", /Stack trace:\s{0,8}(?:\n|\\n|<br \/>)\s{0,8}#0 [^\n]{0,300}\.php(?:\(\d{1,6}\))?/],
  [".NET", /(?:^|\n)\s{0,8}at [\w.`<>\[\]]{1,300}\([^)\n]{0,300}\) in [^\n]{1,300}:line \d{1,6}/],
  [".NET", /<title>Runtime Error<\/title>|Server Error in '[^'\n]{1,200}' Application\./],
  [".NET", /\bSystem\.(?:[A-Z]\w{1,60}\.){0,4}[A-Z]\w{0,60}Exception: [^\n]{0,300}(?:\n|\\n|<br>)\s{0,8}at /],
  ["Node.js", /(?:^|\n|\\n)\s{1,8}at (?:[^\s()\n]{1,200} )?\((?:\/|[A-Za-z]:\\{1,2}|node:|file:\/\/)[^()\n]{1,300}:\d{1,6}:\d{1,6}\)/],
  ["Go", /\bgoroutine \d{1,6} \[running\]:(?:\n|\\n)/],
  ["Ruby", /(?:^|\n|\\n)\s{0,8}(?:\/[\w.@-]{1,80}){2,20}\.rb:\d{1,6}:in `[^'\n]{1,120}'/],
];

const SQL_ERRORS = [
  ["MySQL", /You have an error in your SQL syntax|\bmysql_(?:fetch_array|fetch_assoc|num_rows|query)\(\)|Warning: mysqli?_|com\.mysql\.jdbc\.exceptions/],
  ["PostgreSQL", /\bPG::(?:SyntaxError|UndefinedTable|UndefinedColumn)\b|unterminated quoted string at or near|ERROR:\s{1,4}syntax error at or near "|org\.postgresql\.util\.PSQLException/],
  ["SQL Server", /Unclosed quotation mark after the character string|Microsoft OLE DB Provider for SQL Server|System\.Data\.SqlClient\.SqlException|\[Microsoft\]\[ODBC SQL Server Driver\]/],
  ["Oracle", /\bORA-\d{5}: |\bOracle(?:Exception| error)\b/],
  ["SQLite", /SQLite3::SQLException|sqlite3\.OperationalError|SQLITE_ERROR|\bnear "[^"\n]{1,60}": syntax error/],
  ["generic SQL", /\bSQLSTATE\[[0-9A-Z]{5}\]|java\.sql\.SQLException|\bPDOException\b|\bsqlalchemy\.exc\.\w{1,60}Error/],
];

function responseText(res) {
  const mime = res.mimeType || "";
  const textual = mime === "" || SCANNED_MIME.test(mime);
  if (!textual) return "";
  if (res.bodyEncoding === "base64" && mime === "") return "";
  return bodyText(res, MAX_SCAN_CHARS);
}

function excerpt(text, index) {
  const s = text.slice(index, index + 160).replace(/\\n|\s+/g, " ").trim();
  return s.length >= 160 ? s.slice(0, 159) + "…" : s;
}

function firstMatch(text, rules) {
  for (const [label, re] of rules) {
    const m = re.exec(text);
    if (m) return { label, evidence: excerpt(text, m.index) };
  }
  return null;
}

export default {
  id: "error-disclosure",
  name: "Stack trace or database error disclosed",
  version: "1.0.0",

  scan(txn) {
    const res = txn.response || {};
    const text = responseText(res);
    if (text.length < 20) return [];
    const findings = [];
    const stack = firstMatch(text, STACK_TRACES);
    if (stack) {
      findings.push({
        title: "Stack trace disclosed in response",
        severity: "medium",
        description:
          `The response contains a ${stack.label} stack trace, revealing source paths, ` +
          "framework versions and code structure. Return a generic error page instead.",
        evidence: stack.evidence,
        cwe: 209,
        confidence: "high",
      });
    }
    const sql = firstMatch(text, SQL_ERRORS);
    if (sql) {
      findings.push({
        title: "Database error message disclosed in response",
        severity: "medium",
        description:
          `The response contains a ${sql.label} error message. It reveals the query structure ` +
          "and often means user input reaches SQL unsanitised (check for SQL injection).",
        evidence: sql.evidence,
        cwe: 209,
        confidence: "high",
      });
    }
    return findings;
  },
};
