//! Serde helpers for integer NumericDate fields. A float, a string or an out-of-range integer is
//! an error: RFC 7519 allows fractions, but every peer this crate talks to writes whole seconds,
//! and a fraction is the signature of a token made some other way.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serializer};
use time::OffsetDateTime;

pub(crate) fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(t.unix_timestamp())
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
    NumericDate::deserialize(d).map(|date| date.time)
}

/// Converts whole seconds to a time, when `time` can represent it.
pub(crate) fn from_seconds(seconds: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(seconds).ok()
}

/// An integer NumericDate as read: the seconds, and the time they stand for.
pub(crate) struct NumericDate {
    pub(crate) seconds: i64,
    pub(crate) time: OffsetDateTime,
}

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_i64(NumericDateVisitor)
    }
}

struct NumericDateVisitor;

impl NumericDateVisitor {
    fn date<E: de::Error>(
        self,
        seconds: Option<i64>,
        unexpected: de::Unexpected<'_>,
    ) -> Result<NumericDate, E> {
        seconds
            .and_then(|seconds| {
                Some(NumericDate {
                    seconds,
                    time: from_seconds(seconds)?,
                })
            })
            .ok_or_else(|| E::invalid_value(unexpected, &self))
    }
}

impl Visitor<'_> for NumericDateVisitor {
    type Value = NumericDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer NumericDate (whole seconds since 1970-01-01T00:00:00Z)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.date(Some(v), de::Unexpected::Signed(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.date(i64::try_from(v).ok(), de::Unexpected::Unsigned(v))
    }
}

pub(crate) mod option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    #[allow(clippy::ref_option)] // serde's `with` passes `&Option<T>`
    pub(crate) fn serialize<S: Serializer>(
        t: &Option<OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        Ok(Option::<super::NumericDate>::deserialize(d)?.map(|date| date.time))
    }
}
