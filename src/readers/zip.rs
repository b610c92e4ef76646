//! A small, bounded zip reader: the central directory and one entry at a
//! time, stored or deflated. Enough for .docx, and nothing a crafted file
//! can blow up: the entry count and every unpacked size are capped, and
//! inflating stops at the cap (a zip bomb is refused, not unpacked).

use std::borrow::Cow;

/// Entries a document package may have (a .docx has ~10–40).
pub const MAX_ENTRIES: usize = 10_000;
/// Bytes one entry may unpack to (a 300-page report's XML is ~10 MB).
pub const MAX_ENTRY_BYTES: usize = 64 * 1024 * 1024;

/// Why an archive or entry cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZipError {
    /// No end-of-central-directory record, or records that point outside the file.
    Damaged,
    /// More entries than [`MAX_ENTRIES`].
    TooManyEntries,
    /// An entry unpacks to more than [`MAX_ENTRY_BYTES`].
    TooLarge,
    /// Encrypted entries, or a compression other than stored/deflate.
    Unsupported,
}

struct Entry<'a> {
    name: &'a [u8],
    method: u16,
    flags: u16,
    crc: u32,
    compressed: usize,
    uncompressed: usize,
    local_offset: usize,
}

/// An opened archive (borrows the file's bytes).
pub struct Archive<'a> {
    bytes: &'a [u8],
    entries: Vec<Entry<'a>>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl<'a> Archive<'a> {
    /// Reads the central directory.
    ///
    /// # Errors
    /// [`ZipError::Damaged`] or [`ZipError::TooManyEntries`].
    pub fn open(bytes: &'a [u8]) -> Result<Self, ZipError> {
        // The end record is in the last 22 + 65,535 bytes (its comment).
        let from = bytes.len().saturating_sub(22 + 65_535);
        let eocd = memchr::memmem::rfind(&bytes[from..], b"PK\x05\x06")
            .map(|p| from + p)
            .ok_or(ZipError::Damaged)?;
        let count = usize::from(u16_at(bytes, eocd + 10).ok_or(ZipError::Damaged)?);
        let dir = u32_at(bytes, eocd + 16).ok_or(ZipError::Damaged)? as usize;
        if count > MAX_ENTRIES {
            return Err(ZipError::TooManyEntries);
        }
        let mut entries = Vec::with_capacity(count);
        let mut at = dir;
        for _ in 0..count {
            if bytes.get(at..at + 4) != Some(b"PK\x01\x02") {
                return Err(ZipError::Damaged);
            }
            let field = |o| u16_at(bytes, at + o).ok_or(ZipError::Damaged);
            let field32 = |o| u32_at(bytes, at + o).ok_or(ZipError::Damaged);
            let name_len = usize::from(field(28)?);
            let extra_len = usize::from(field(30)?);
            let comment_len = usize::from(field(32)?);
            let name = bytes
                .get(at + 46..at + 46 + name_len)
                .ok_or(ZipError::Damaged)?;
            entries.push(Entry {
                name,
                flags: field(8)?,
                method: field(10)?,
                crc: field32(16)?,
                compressed: field32(20)? as usize,
                uncompressed: field32(24)? as usize,
                local_offset: field32(42)? as usize,
            });
            at += 46 + name_len + extra_len + comment_len;
        }
        Ok(Self { bytes, entries })
    }

    /// True when an entry of that exact name exists.
    #[must_use]
    pub fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.name == name.as_bytes())
    }

    /// The unpacked bytes of entry `name`, `None` when there is none.
    ///
    /// # Errors
    /// Damaged records or data, an encrypted entry, an unknown method, or an
    /// entry larger than [`MAX_ENTRY_BYTES`] unpacked.
    pub fn read(&self, name: &str) -> Result<Option<Cow<'a, [u8]>>, ZipError> {
        let Some(e) = self.entries.iter().find(|e| e.name == name.as_bytes()) else {
            return Ok(None);
        };
        if e.flags & 1 != 0 {
            return Err(ZipError::Unsupported);
        }
        if e.uncompressed > MAX_ENTRY_BYTES {
            return Err(ZipError::TooLarge);
        }
        let b = self.bytes;
        let at = e.local_offset;
        if b.get(at..at + 4) != Some(b"PK\x03\x04") {
            return Err(ZipError::Damaged);
        }
        let name_len = usize::from(u16_at(b, at + 26).ok_or(ZipError::Damaged)?);
        let extra_len = usize::from(u16_at(b, at + 28).ok_or(ZipError::Damaged)?);
        let start = at + 30 + name_len + extra_len;
        let data = b
            .get(start..start.saturating_add(e.compressed))
            .ok_or(ZipError::Damaged)?;
        let unpacked = match e.method {
            0 => Cow::Borrowed(data),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, MAX_ENTRY_BYTES)
                .map(Cow::Owned)
                .map_err(|err| match err.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ZipError::TooLarge,
                    _ => ZipError::Damaged,
                })?,
            _ => return Err(ZipError::Unsupported),
        };
        // A flipped byte can inflate to other text (another digit): the
        // checksum says whether these are the bytes that were packed.
        if crc32(&unpacked) != e.crc {
            return Err(ZipError::Damaged);
        }
        Ok(Some(unpacked))
    }
}

/// CRC-32 (IEEE, as zip uses), bytewise with a table built at compile
/// time: a `crc32fast` dependency of ours would change its features in the
/// shared build and rebuild Polars.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !data.iter().fold(!0u32, |c, &b| {
        TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-entry stored archive.
    fn stored(name: &str, data: &[u8]) -> Vec<u8> {
        let crc = crc32(data).to_le_bytes();
        let mut z = Vec::new();
        z.extend(b"PK\x03\x04");
        z.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        z.extend(crc);
        z.extend((data.len() as u32).to_le_bytes());
        z.extend((data.len() as u32).to_le_bytes());
        z.extend((name.len() as u16).to_le_bytes());
        z.extend([0, 0]);
        z.extend(name.as_bytes());
        z.extend(data);
        let dir = z.len();
        z.extend(b"PK\x01\x02");
        z.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        z.extend(crc);
        z.extend((data.len() as u32).to_le_bytes());
        z.extend((data.len() as u32).to_le_bytes());
        z.extend((name.len() as u16).to_le_bytes());
        z.extend([0; 12]);
        z.extend(0u32.to_le_bytes());
        z.extend(name.as_bytes());
        let dir_len = z.len() - dir;
        z.extend(b"PK\x05\x06");
        z.extend([0, 0, 0, 0, 1, 0, 1, 0]);
        z.extend((dir_len as u32).to_le_bytes());
        z.extend((dir as u32).to_le_bytes());
        z.extend([0, 0]);
        z
    }

    #[test]
    fn crc32_is_the_zip_checksum() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn reads_a_stored_entry_and_refuses_what_is_broken() {
        let z = stored("word/document.xml", b"<w:document/>");
        let a = Archive::open(&z).unwrap();
        assert!(a.has("word/document.xml"));
        assert_eq!(
            a.read("word/document.xml").unwrap().unwrap().as_ref(),
            b"<w:document/>"
        );
        assert!(a.read("nope").unwrap().is_none());
        // One byte changed in the data: the checksum refuses it.
        let mut bad = z.clone();
        bad[30 + "word/document.xml".len() + 3] ^= 1;
        assert_eq!(
            Archive::open(&bad)
                .unwrap()
                .read("word/document.xml")
                .unwrap_err(),
            ZipError::Damaged
        );
        // Every truncation is an error, never a panic.
        for cut in 0..z.len() {
            if let Ok(a) = Archive::open(&z[..cut]) {
                let _ = a.read("word/document.xml");
            }
        }
    }
}
