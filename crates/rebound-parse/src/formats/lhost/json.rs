//! A small, total JSON reader (RFC 8259) for providers that send their bounce notifications as
//! JSON inside an e-mail (Amazon SES through SNS, for instance). Values only as far as the
//! format modules need them; nesting deeper than `MAX_DEPTH` or any syntax error gives `None`.

/// Deepest nesting accepted; keeps the recursion bounded on hostile input.
const MAX_DEPTH: usize = 32;

/// A JSON value. Numbers are kept as their text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array; an empty slice otherwise.
    pub fn items(&self) -> &[Json] {
        match self {
            Json::Array(a) => a,
            _ => &[],
        }
    }
}

/// Parses the first JSON value in `text` (leading white space skipped, trailing text ignored).
pub fn parse(text: &str) -> Option<Json> {
    let mut p = Parser { s: text, i: 0 };
    p.value(0)
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                if self.eat(b'}') {
                    return Some(Json::Object(members));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    members.push((key, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        return Some(Json::Object(members));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Some(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Some(Json::Array(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'"' => self.string().map(Json::String),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'n' => self.word("null", Json::Null),
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                ) {
                    self.i += 1;
                }
                self.s.get(start..self.i).map(|n| Json::Number(n.into()))
            }
            _ => None,
        }
    }

    fn word(&mut self, w: &str, v: Json) -> Option<Json> {
        let end = self.i.checked_add(w.len())?;
        if self.s.get(self.i..end)? == w {
            self.i = end;
            Some(v)
        } else {
            None
        }
    }

    /// A string starting at the current `"`.
    fn string(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            // Copy up to the next quote or backslash (both ASCII, so on a char boundary).
            let rest = self.s.get(self.i..)?;
            let stop = rest.find(['"', '\\'])?;
            out.push_str(rest.get(..stop)?);
            self.i += stop;
            if self.peek()? == b'"' {
                self.i += 1;
                return Some(out);
            }
            self.i += 1;
            let e = self.peek()?;
            self.i += 1;
            match e {
                b'n' => out.push('\n'),
                b't' => out.push('\t'),
                b'r' => out.push('\r'),
                b'b' => out.push('\u{8}'),
                b'f' => out.push('\u{c}'),
                b'u' => {
                    let hi = self.hex4()?;
                    let c = if (0xD800..0xDC00).contains(&hi)
                        && self.s.get(self.i..)?.starts_with("\\u")
                    {
                        self.i += 2;
                        let lo = self.hex4()?;
                        char::from_u32(
                            0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF),
                        )
                    } else {
                        char::from_u32(hi)
                    };
                    out.push(c.unwrap_or('\u{FFFD}'));
                }
                other => out.push(char::from(other)),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let end = self.i.checked_add(4)?;
        let h = u32::from_str_radix(self.s.get(self.i..end)?, 16).ok()?;
        self.i = end;
        Some(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_values_and_escapes() {
        let j = parse(r#" {"a":[1,"x\"y\u00e9",true,null],"b":{"c":"d"}} trailing"#).unwrap();
        assert_eq!(j.get("a").unwrap().items().len(), 4);
        assert_eq!(j.get("a").unwrap().items()[1].as_str(), Some("x\"yé"));
        assert_eq!(
            j.get("b").and_then(|b| b.get("c")).and_then(Json::as_str),
            Some("d")
        );
    }

    #[test]
    fn rejects_bad_input_without_panicking() {
        for bad in ["", "{", "{\"a\"", "[1,", "\"\\u12", "{\"a\":tru}", "\"é\\"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        let deep = "[".repeat(10_000);
        assert_eq!(parse(&deep), None);
    }
}
