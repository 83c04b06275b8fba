//! `mcp-chart flux`: the post-renderer's changes as Flux HelmRelease
//! `spec.postRenderers` kustomize patches (docs/gitops.md). Reads `helm
//! template`'s output, writes a strategic-merge patch of the HelmRelease on
//! stdout, and the objects a patch cannot add (the named servers' ConfigMap)
//! to `--objects-out`.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use mcp_chart_core::postrender::flux::{self, HelmReleaseRef};
use mcp_chart_core::postrender::{PostRenderOptions, MAX_INPUT_BYTES};

use crate::exit_status::ExitStatus;

/// Arguments of `mcp-chart flux`.
#[derive(Args, Debug)]
pub struct FluxArgs {
    /// metadata.name of the HelmRelease to patch.
    #[arg(long, value_name = "NAME")]
    release: String,
    /// metadata.namespace of the HelmRelease (also given to the added objects).
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    namespace: Option<String>,
    /// Write the objects the post-renderer adds (which patches cannot add) to
    /// this file; required when there are any.
    #[arg(long, value_name = "FILE")]
    objects_out: Option<PathBuf>,
    /// Read the manifests from this file instead of stdin.
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
}

/// Runs `mcp-chart flux`.
pub fn run(args: &FluxArgs) -> anyhow::Result<ExitStatus> {
    let limit = (MAX_INPUT_BYTES as u64) + 1;
    let mut input = Vec::new();
    match &args.input {
        Some(path) => std::fs::File::open(path)
            .with_context(|| format!("opening {}", path.display()))?
            .take(limit)
            .read_to_end(&mut input)
            .with_context(|| format!("reading {}", path.display()))?,
        None => std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut input)
            .context("reading the manifests from stdin")?,
    };
    let fail = |message: String| -> anyhow::Result<ExitStatus> {
        let _ = writeln!(std::io::stderr().lock(), "mcp-chart flux: error: {message}");
        Ok(ExitStatus::Failure)
    };
    let Ok(text) = std::str::from_utf8(&input) else {
        return fail("the manifests are not UTF-8".into());
    };
    let output = match flux::flux_patches(text, &PostRenderOptions::default()) {
        Ok(output) => output,
        Err(err) => return fail(err.to_string()),
    };
    if output.patches.is_empty() {
        return fail(
            "nothing to patch: no workload in the input carries the mcp-chart/transport \
             annotation (pipe the output of `helm template` of the mcp-server chart)"
                .into(),
        );
    }
    let release = HelmReleaseRef {
        name: args.release.clone(),
        namespace: args.namespace.clone(),
    };
    match (&args.objects_out, output.objects.is_empty()) {
        (Some(path), _) => std::fs::write(path, flux::objects_yaml(&output, &release))
            .with_context(|| format!("writing {}", path.display()))?,
        (None, false) => {
            return fail(format!(
                "the post-renderer adds {} object(s) (the gateway's servers ConfigMap) that a \
                 kustomize patch cannot add: pass --objects-out FILE and apply that file next to \
                 the HelmRelease",
                output.objects.len()
            ))
        }
        (None, true) => {}
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(flux::helm_release_patch(&output, &release).as_bytes())?;
    stdout.flush()?;
    Ok(ExitStatus::Success)
}
