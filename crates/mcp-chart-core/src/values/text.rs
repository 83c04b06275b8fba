//! [`Text`]: input bytes that cross a JSON boundary (the wasm module's
//! protocol) unchanged.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The bytes of an input, exactly as the host read them.
///
/// Inputs are almost always UTF-8 and then travel as a JSON string. Invalid
/// UTF-8 must reach the core unchanged (it reports the first bad byte with its
/// line and column), so such input travels as `{"bytes": [n, ...]}` instead.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Text(pub Vec<u8>);

impl Text {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Text {
    fn from(bytes: Vec<u8>) -> Self {
        Text(bytes)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(text.as_bytes().to_vec())
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("bytes", &self.0)?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"a string or {"bytes": [...]}"#)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(v.as_bytes().to_vec()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text(v.into_bytes()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
        let mut bytes: Option<Vec<u8>> = None;
        while let Some(key) = map.next_key::<String>()? {
            if key != "bytes" || bytes.is_some() {
                return Err(de::Error::custom(format!("unexpected key `{key}`")));
            }
            bytes = Some(map.next_value()?);
        }
        bytes
            .map(Text)
            .ok_or_else(|| de::Error::missing_field("bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::Text;

    #[test]
    fn utf8_travels_as_a_string_and_other_bytes_as_numbers() {
        let utf8 = Text::from("a: 1\n");
        assert_eq!(serde_json::to_string(&utf8).unwrap(), r#""a: 1\n""#);
        let latin1 = Text(vec![b'a', 0xe9, b'\n']);
        assert_eq!(
            serde_json::to_string(&latin1).unwrap(),
            r#"{"bytes":[97,233,10]}"#
        );
        for text in [utf8, latin1, Text::default()] {
            let json = serde_json::to_vec(&text).unwrap();
            assert_eq!(serde_json::from_slice::<Text>(&json).unwrap(), text);
        }
    }

    #[test]
    fn rejects_other_shapes() {
        assert!(serde_json::from_str::<Text>("1").is_err());
        assert!(serde_json::from_str::<Text>(r#"{"base64":"YQ=="}"#).is_err());
        assert!(serde_json::from_str::<Text>("{}").is_err());
    }
}
