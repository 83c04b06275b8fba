//! The post-renderer on arbitrary streams: no panic; on success nothing is
//! lost (the unchanged pieces are all in the output, in order) and a second
//! run changes nothing; on failure the error is located in the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_chart_core::postrender::{post_render, post_render_bytes, PostRenderOptions};

fuzz_target!(|data: &[u8]| {
    let options = PostRenderOptions::default();
    match post_render_bytes(data, &options) {
        Ok(result) => {
            let input = std::str::from_utf8(data).expect("accepted input is UTF-8");
            if result.summary.changed.is_empty() && result.summary.documents_out == result.summary.documents {
                assert_eq!(result.output, input, "nothing changed, so the output is the input");
            }
            let again = post_render(&result.output, &options).expect("the output post-renders again");
            assert_eq!(again.output, result.output, "a second run changed the output");
        }
        Err(err) => {
            if let Some(place) = &err.place {
                assert!(place.document >= 1 && place.location.line >= 1, "{err}");
            }
        }
    }
});
