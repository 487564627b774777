// Fails to load with a thrown non-Error whose conversions throw.
throw { toString() { throw new Error("no"); }, get message() { throw 1; }, get stack() { for (;;) {} } };
