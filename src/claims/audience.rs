use serde::{Deserialize, Serialize};

/// The `aud` claim: a single string or an array of strings (RFC 7519 §4.1.3).
///
/// ```
/// use jwt_auth::Audience;
///
/// let one = Audience::from("catalog");
/// let many = Audience::from(["catalog", "orders"]);
/// assert!(one.contains("catalog") && many.contains("orders"));
/// assert_eq!(serde_json::to_string(&many)?, r#"["catalog","orders"]"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "api"`
    One(String),
    /// `"aud": ["api", "admin"]`
    Many(Vec<String>),
}

impl Audience {
    /// Every value, whichever form the token used.
    pub fn values(&self) -> &[String] {
        match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(many) => many,
        }
    }

    /// Whether `value` is one of the audiences.
    pub fn contains(&self, value: &str) -> bool {
        self.values().iter().any(|v| v == value)
    }
}

impl From<&str> for Audience {
    fn from(value: &str) -> Self {
        Self::One(value.to_owned())
    }
}

impl From<String> for Audience {
    fn from(value: String) -> Self {
        Self::One(value)
    }
}

impl<const N: usize> From<[&str; N]> for Audience {
    fn from(values: [&str; N]) -> Self {
        Self::Many(values.iter().map(|&value| value.to_owned()).collect())
    }
}

impl From<Vec<String>> for Audience {
    fn from(values: Vec<String>) -> Self {
        Self::Many(values)
    }
}
