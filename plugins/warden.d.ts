// TypeScript declarations of the Warden plugin API (plugin contract, version
// 1; docs/plugin-contract.md): the transaction a plugin scans, the findings it
// returns, the plugin object it exports and the built-in module warden:std.
// Installed with the bundled plugins; a plugin file uses them with
//   // @ts-check
//   /// <reference path="./warden.d.ts" />
//   /** @type {import("warden").Plugin} */
//   export default { id: "my-check", scan(txn) { return []; } };

declare module "warden" {
  /** One HTTP header, name and value as captured (case kept). */
  export interface Header {
    name: string;
    value: string;
  }

  export interface Request {
    method: string;
    url: string;
    httpVersion: string;
    /** In capture order; names keep their case. */
    headers: Header[];
    /** The request body as text, or null when there is none. */
    body: string | null;
  }

  export interface Response {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: Header[];
    mimeType: string;
    /** Text, or base64 when bodyEncoding is "base64". */
    body: string;
    bodyEncoding: "" | "base64";
  }

  /** One recorded request and its response (a HAR 1.2 entry). */
  export interface Transaction {
    /** Unique within a run. */
    id: string;
    /** As in the HAR entry; "" when absent. */
    startedDateTime: string;
    request: Request;
    response: Response;
    /**
     * What the embedding host attached (string keys and values); {} when nothing
     * (always from the warden CLI). Frozen, no prototype: unset keys are
     * undefined. Not enumerable, so JSON.stringify(txn) leaves it out.
     */
    readonly metadata: Readonly<Record<string, string>>;
  }

  export type Severity = "info" | "low" | "medium" | "high" | "critical";
  export type Confidence = "low" | "medium" | "high";

  /** What a scan reports; the runtime adds the plugin id, transaction id and URL. */
  export interface Finding {
    /** Non-empty. */
    title: string;
    severity: Severity;
    description?: string | null;
    /** What the plugin saw; keep it short (the bundled plugins stay under 200 characters). */
    evidence?: string | null;
    /** A positive CWE number. */
    cwe?: number | null;
    confidence?: Confidence | null;
    /** The parameter or header concerned. */
    param?: string | null;
    /** More detail than the description. */
    otherInfo?: string | null;
    /** How to fix it. */
    solution?: string | null;
    /** URLs to read; at most 100. */
    references?: string[] | null;
    /** A positive WASC threat classification id. */
    wasc?: number | null;
  }

  /** The default export of a plugin module. */
  export interface Plugin {
    /** [a-z0-9][a-z0-9-]*, unique among the loaded plugins. */
    id: string;
    name?: string;
    version?: string;
    /** Runs once per isolate load with the host's settings for this plugin ({} when none). */
    init?(config: Record<string, unknown>): void | Promise<void>;
    /** At most 1,000 findings per scan (the host may set another bound). */
    scan(txn: Transaction): Finding[] | Promise<Finding[]>;
  }
}

declare module "warden:std" {
  import type { Header, Request, Response } from "warden";

  /** The module's version (semver): "1.0.0". */
  export const version: string;
  /** Every value of the header `name` (any case), in order. */
  export function headerValues(headers: Header[] | null | undefined, name: string): string[];
  /** The first value of the header `name` (any case), or null. */
  export function header(headers: Header[] | null | undefined, name: string): string | null;
  /** Base64 (standard or URL-safe, lenient) to a byte string: one char (U+0000-U+00FF) per byte. */
  export function base64Decode(text: string): string;
  /** A byte string read as UTF-8; malformed sequences become U+FFFD. */
  export function utf8Decode(bytes: string): string;
  /** The body as text of at most maxChars characters (default 1 MiB); base64 bodies as a byte string. */
  export function bodyText(message: Request | Response, maxChars?: number): string;
  /** The lower-case media type ("text/html") from mimeType or Content-Type; "" when unknown. */
  export function mediaType(response: Response): string;
  /** "+" as a space and %XX decoded; a malformed escape leaves the text as it is. */
  export function decodeComponent(text: string): string;
  /** The URL's query as decoded [name, value] pairs, at most max (default 100). */
  export function queryParams(url: string, max?: number): Array<[string, string]>;
  /** Cut to at most max characters (default 200), ending in "…" when cut. */
  export function clip(text: string, max?: number): string;
}
