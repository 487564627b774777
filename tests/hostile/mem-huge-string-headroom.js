// One flat string of 512 MiB: the allocation in progress when the heap limit
// is hit, kept across scans if it survives.
let kept;
export default {
  id: "mem-huge-string-headroom",
  scan() {
    const big = "h".repeat(2 ** 29 - 24);
    big.charCodeAt(2 ** 28);
    kept = big + "!";
    kept.indexOf("?");
    return [];
  },
};
