// TypedArray.prototype.join of 20 million elements, which the Array guards do
// not cover: slow failure after slow failure.
//! har-repeat 5
export default {
  id: "hang-typedarray-join",
  scan() {
    new Uint8Array(2e7).join(",");
    return [];
  },
};
