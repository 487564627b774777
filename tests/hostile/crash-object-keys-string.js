// Object.keys and friends on a String object of 2**27 characters: one key per
// character in one C++ array.
export default {
  id: "crash-object-keys-string",
  scan() {
    const big = new String("k".repeat(2 ** 27));
    try { Object.keys(big); } catch (e) {}
    try { Object.getOwnPropertyNames(big); } catch (e) {}
    try { Reflect.ownKeys(big); } catch (e) {}
    try { Object.entries(big); } catch (e) {}
    return [];
  },
};
