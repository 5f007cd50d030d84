//! Conversions between Rust results and JS values.

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Serialises `value` to a plain JS object (maps as objects, not `Map`s).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|error| JsError::new(&format!("cannot convert a result to JS: {error}")))
}

/// Turns any displayable error into a JS `Error` with the same message.
pub fn to_js_error(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}

/// Builds a plain JS object from `(key, value)` pairs.
pub fn object(entries: &[(&str, JsValue)]) -> Result<JsValue, JsError> {
    let object = js_sys::Object::new();
    for (key, value) in entries {
        js_sys::Reflect::set(&object, &JsValue::from_str(key), value)
            .map_err(|_| JsError::new(&format!("cannot set {key} on a result object")))?;
    }
    Ok(object.into())
}
