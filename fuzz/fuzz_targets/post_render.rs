//! The post-renderer on arbitrary streams: no panic; on success nothing is
//! lost (the unchanged pieces are all in the output, in order) and a second
//! run changes nothing; on failure the error is located in the stream. The
//! output-only entry point (the CLI without --check) agrees with the full one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_chart_core::postrender::{
    post_render, post_render_bytes, post_render_bytes_output, PostRenderOptions,
};

fuzz_target!(|data: &[u8]| {
    let options = PostRenderOptions::default();
    let full = post_render_bytes(data, &options);
    let lean = post_render_bytes_output(data, &options).map(|stream| stream.into_output());
    match (&full, &lean) {
        (Ok(full), Ok(lean)) => assert_eq!(full.output, lean.output, "output-only differs"),
        (Err(full), Err(lean)) => assert_eq!(full.to_string(), lean.to_string()),
        _ => panic!("full and output-only post-render disagree on success"),
    }
    match full {
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
