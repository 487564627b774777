// A plugin file of 50 MiB, nearly all of it one comment.
//! pad comment 52428800
export default {
  id: "mem-huge-comment-file",
  scan() {
    return [];
  },
};
