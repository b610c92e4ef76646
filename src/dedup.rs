//! Byte-identical copies: the first file in sorted order keeps its facts,
//! every later copy is reported `duplicate`.
//!
//! This index is one of the two structures of a run that grow with the
//! corpus (the sorted file list is the other), so it is kept small: 8 bytes
//! of key per file in a vector allocated once, and a hash table of 4-byte
//! file indices sized once up front, so it never holds two tables while
//! growing. That is ~13 bytes a file, against ~26 for a map from the full
//! 128-bit `doc_id` to the index (by the sizes, at 400k files: 5.3 MB
//! instead of 10.5 MB).
//!
//! A 64-bit key can collide where the 128-bit `doc_id` does not, so a key
//! match is only a candidate: the caller confirms it (by hashing the earlier
//! file again), and an unconfirmed match is not a duplicate. Key matches
//! are rare (true copies, ~0.4% of files in the generated corpus), so the
//! confirmation costs one extra read of those few files.

use hashbrown::HashTable;

/// First copies seen so far, by the first 64 bits of their `doc_id`.
pub struct Dedup {
    /// `keys[i]`: the key of file `i`, when file `i` is a first copy.
    keys: Vec<u64>,
    /// Indices of first copies, hashed by their key.
    first: HashTable<u32>,
}

/// The first 64 bits of a `doc_id` (32 hex digits of a BLAKE3 hash, so
/// already uniform: the key is its own hash).
fn key(doc_id: &str) -> u64 {
    doc_id
        .get(..16)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

impl Dedup {
    /// An index for a corpus of `files` files.
    #[must_use]
    pub fn with_capacity(files: usize) -> Self {
        Self {
            keys: vec![0; files],
            first: HashTable::with_capacity(files),
        }
    }

    /// Records file `index` (files come in sorted order) and returns the
    /// index of the earlier file it copies, if any. `same(earlier)` must say
    /// whether file `earlier` has exactly this `doc_id`; it is asked only
    /// when the 64-bit keys match.
    ///
    /// # Panics
    /// When `index` is not below the capacity the index was created with.
    pub fn first_copy(
        &mut self,
        index: u32,
        doc_id: &str,
        mut same: impl FnMut(u32) -> bool,
    ) -> Option<u32> {
        let key = key(doc_id);
        let keys = &self.keys;
        if let Some(&earlier) = self
            .first
            .find(key, |&i| keys[i as usize] == key && same(i))
        {
            return Some(earlier);
        }
        self.keys[index as usize] = key;
        let keys = &self.keys;
        self.first.insert_unique(key, index, |&i| keys[i as usize]);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_copies_point_to_the_first_and_distinct_files_are_kept() {
        let ids = [
            "00112233445566778899aabbccddeeff",
            "ffeeddccbbaa99887766554433221100",
            "00112233445566778899aabbccddeeff",
            "00112233445566778899aabbccddeeff",
        ];
        let mut d = Dedup::with_capacity(ids.len());
        let got: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| d.first_copy(i as u32, id, |e| ids[e as usize] == *id))
            .collect();
        assert_eq!(got, [None, None, Some(0), Some(0)]);
    }

    #[test]
    fn a_key_match_the_caller_does_not_confirm_is_no_duplicate() {
        // Same first 64 bits, different doc_id: a 64-bit collision.
        let ids = [
            "0011223344556677aaaaaaaaaaaaaaaa",
            "0011223344556677bbbbbbbbbbbbbbbb",
            "0011223344556677bbbbbbbbbbbbbbbb",
        ];
        let mut d = Dedup::with_capacity(ids.len());
        let mut asked = 0;
        let mut got = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            got.push(d.first_copy(i as u32, id, |e| {
                asked += 1;
                ids[e as usize] == *id
            }));
        }
        // The second is kept (the collision is not confirmed); the third
        // copies the second, not the first.
        assert_eq!(got, [None, None, Some(1)]);
        assert!(asked >= 2, "every key match is confirmed, asked {asked}");
    }
}
