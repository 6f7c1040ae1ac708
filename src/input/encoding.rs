//! Detecting a file's text encoding and decoding its bytes.
//!
//! Order of evidence: an explicit `--encoding`, a byte-order mark, the UTF-16 zero-byte pattern,
//! valid UTF-8, then chardetng's guess among legacy Cyrillic code pages.

use encoding_rs::{Encoding, KOI8_R, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1251};
use serde::Serialize;

/// How the encoding was decided (written to the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingEvidence {
    /// `--encoding` on the command line.
    Override,
    /// A byte-order mark.
    Bom,
    /// The bytes are (almost all) valid UTF-8.
    ValidUtf8,
    /// Zero bytes at every other position: UTF-16 without a BOM.
    Utf16Pattern,
    /// A statistical guess (chardetng) among legacy code pages.
    Guess,
    /// Pure ASCII: any ASCII-compatible encoding reads it the same.
    Ascii,
}

/// The decided encoding of one input file.
#[derive(Debug, Clone, Copy)]
pub struct DetectedEncoding {
    /// The encoding.
    pub encoding: &'static Encoding,
    /// Whether the file starts with a BOM (stripped before parsing).
    pub bom: bool,
    /// Why this encoding was chosen.
    pub evidence: EncodingEvidence,
}

impl DetectedEncoding {
    /// A stable, lower-case name (`utf-8`, `windows-1251`, `koi8-r`, `utf-16le`).
    pub fn name(&self) -> String {
        self.encoding.name().to_ascii_lowercase()
    }
}

/// Resolves a user-given encoding label (`cp1251`, `windows-1251`, `utf8`, `koi8-r`, `utf-16`).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase();
    match l.as_str() {
        "utf8" => Some(UTF_8),
        "cp1251" | "win1251" | "windows1251" => Some(WINDOWS_1251),
        "koi8r" | "koi8" => Some(KOI8_R),
        "utf16" | "utf-16" | "utf16le" => Some(UTF_16LE),
        "utf16be" => Some(UTF_16BE),
        _ => Encoding::for_label(l.as_bytes()),
    }
}

/// Why bytes could not be taken as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotText(pub String);

/// Decides the encoding of `bytes` (the whole file or a large prefix).
pub fn detect(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
) -> Result<DetectedEncoding, NotText> {
    let (bom_encoding, bom_len) = match Encoding::for_bom(bytes) {
        Some((e, n)) => (Some(e), n),
        None => (None, 0),
    };
    if let Some(encoding) = forced {
        let bom = bom_encoding == Some(encoding);
        return Ok(DetectedEncoding { encoding, bom, evidence: EncodingEvidence::Override });
    }
    if let Some(encoding) = bom_encoding {
        let _ = bom_len;
        return Ok(DetectedEncoding { encoding, bom: true, evidence: EncodingEvidence::Bom });
    }
    let sample = &bytes[..bytes.len().min(1 << 20)];
    if let Some(encoding) = utf16_without_bom(sample) {
        return Ok(DetectedEncoding {
            encoding,
            bom: false,
            evidence: EncodingEvidence::Utf16Pattern,
        });
    }
    let nuls = sample.iter().filter(|&&b| b == 0).count();
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1a | 0))
        .count();
    if nuls + controls > 8 && (nuls + controls) * 100 > sample.len() {
        return Err(NotText(format!(
            "looks like a binary file, not CSV text ({} zero or control bytes in the first {} bytes)",
            nuls + controls,
            sample.len()
        )));
    }
    if sample.is_ascii() {
        return Ok(DetectedEncoding {
            encoding: UTF_8,
            bom: false,
            evidence: EncodingEvidence::Ascii,
        });
    }
    if mostly_utf8(sample) {
        return Ok(DetectedEncoding {
            encoding: UTF_8,
            bom: false,
            evidence: EncodingEvidence::ValidUtf8,
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() == bytes.len());
    let guess = detector.guess(Some(b"ru"), chardetng::Utf8Detection::Deny);
    // Russian exports are overwhelmingly Windows-1251 or KOI8-R; chardetng also knows the rest.
    Ok(DetectedEncoding { encoding: guess, bom: false, evidence: EncodingEvidence::Guess })
}

/// UTF-16 without a BOM shows as a zero byte in every other position for ASCII text.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static Encoding> {
    if sample.len() < 16 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_zero * 10 > pairs * 4 && even_zero * 20 < pairs {
        Some(UTF_16LE)
    } else if even_zero * 10 > pairs * 4 && odd_zero * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// True when the bytes are UTF-8 except for a few broken sequences (a damaged row or a sample
/// cut inside a character): those rows are quarantined rather than the whole file misread.
fn mostly_utf8(sample: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    let mut rest = sample;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid_multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                // SAFETY of the from_utf8 below: `good` is the valid prefix reported by the error.
                valid_multibyte += std::str::from_utf8(good)
                    .map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                let skip = e.error_len().unwrap_or(bad.len()).max(1);
                invalid += 1;
                rest = &bad[skip.min(bad.len())..];
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    valid_multibyte > 0 && invalid * 20 <= valid_multibyte
}

/// Decodes one field of an ASCII-compatible encoding. Returns `None` for invalid UTF-8.
pub fn decode_field(bytes: &[u8], encoding: &'static Encoding) -> Option<String> {
    if bytes.is_ascii() {
        // SAFETY-free fast path: ASCII is valid UTF-8.
        return std::str::from_utf8(bytes).ok().map(str::to_owned);
    }
    if encoding == UTF_8 {
        return std::str::from_utf8(bytes).ok().map(str::to_owned);
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors { None } else { Some(text.into_owned()) }
}

/// Decodes bytes for display in the quarantine file: never fails; undecodable bytes
/// become `\xNN` so that the raw text is preserved exactly and visibly.
pub fn decode_lossless_display(bytes: &[u8], encoding: &'static Encoding) -> String {
    if encoding != UTF_8 {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        if !had_errors {
            return text.into_owned();
        }
    }
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let n = e.error_len().unwrap_or(bad.len()).max(1).min(bad.len());
                for b in &bad[..n] {
                    out.push_str(&format!("\\x{b:02X}"));
                }
                rest = &bad[n..];
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    out
}

/// Whether an encoding keeps ASCII bytes as ASCII (so CSV can be parsed on raw bytes).
pub fn is_ascii_compatible(encoding: &'static Encoding) -> bool {
    encoding.is_ascii_compatible()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_boms_utf8_and_cp1251() {
        let utf8 = "ФИО;Телефон\nИванов;1\n".as_bytes();
        assert_eq!(detect(utf8, None).map(|d| d.name()), Ok("utf-8".into()));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(utf8);
        let d = detect(&bom, None).map_err(|e| e.0);
        assert!(matches!(d, Ok(DetectedEncoding { bom: true, .. })));
        let (cp, _, _) = WINDOWS_1251.encode("ФИО;Телефон;Город\nИванов Иван Иванович;89161234567;Москва\nПетрова Анна Сергеевна;84951234567;Санкт-Петербург\n");
        assert_eq!(detect(&cp, None).map(|d| d.name()), Ok("windows-1251".into()));
        let (utf16, _, _) = UTF_16LE.encode("a,b\n1,2\n");
        // encoding_rs encodes UTF-16 as UTF-8 (WHATWG); build UTF-16LE by hand instead.
        let _ = utf16;
        let le: Vec<u8> =
            "id,name\n1,Ann\n2,Bob\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(detect(&le, None).map(|d| d.name()), Ok("utf-16le".into()));
    }

    #[test]
    fn binary_is_not_text() {
        let bytes: Vec<u8> =
            (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        assert!(detect(&bytes, None).is_err());
    }

    #[test]
    fn one_bad_row_keeps_utf8() {
        let mut text = "ФИО,Город\n".repeat(50).into_bytes();
        text.extend_from_slice(b"\xff\xfe broken\n");
        assert_eq!(detect(&text, None).map(|d| d.name()), Ok("utf-8".into()));
        assert_eq!(decode_field(b"\xffx", UTF_8), None);
        assert_eq!(decode_lossless_display(b"a\xffb", UTF_8), "a\\xFFb");
    }
}
