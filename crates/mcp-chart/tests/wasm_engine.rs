//! The wasm engine (docs/wasm-engine.md): parity with the native engine on
//! every validate and post-render fixture and every example, the host's fuel
//! and memory limits, and the module's shape.
//!
//! These tests need the built module, so they are ignored by a plain
//! `cargo test`; `scripts/check.sh` builds the module and runs them with
//! `--ignored` (see the "wasm engine" stage):
//!
//! ```sh
//! scripts/build-wasm-module.sh --test
//! MCP_CHART_MODULE=$PWD/target/wasm-module/mcp-chart-module.wasm \
//! MCP_CHART_TEST_MODULE=$PWD/target/wasm-module/mcp-chart-module-test.wasm \
//!   cargo test -p mcp-chart --features wasm-engine --test wasm_engine -- --ignored
//! ```
//!
//! The first wasm run of each module compiles it (seconds in a debug build);
//! later runs load the compiled code from the cache ($MCP_CHART_WASM_CACHE).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const NEEDS: &str =
    "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn env_path(name: &str) -> PathBuf {
    let path = std::env::var_os(name)
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("${name} is not set ({NEEDS})"));
    assert!(
        path.is_file(),
        "${name}={} does not exist ({NEEDS})",
        path.display()
    );
    path
}

/// The shipped module.
fn module() -> PathBuf {
    env_path("MCP_CHART_MODULE")
}

/// The module with the test-only ops (`spin`, `grow`, `panic`).
fn test_module() -> PathBuf {
    env_path("MCP_CHART_TEST_MODULE")
}

#[derive(Debug, PartialEq)]
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

fn run_in(dir: &Path, args: &[String], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .current_dir(dir)
        .args(args)
        .env("MCP_CHART_MODULE", module())
        .env_remove("MCP_CHART_ERROR_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs mcp-chart");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("waits");
    writer.join().expect("writer");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_string()).collect()
}

/// Runs `args` under both engines and returns a description of any difference.
fn parity(dir: &Path, args: &[String], stdin: &[u8]) -> Result<Run, String> {
    let mut native_args = args.to_vec();
    native_args.extend(strings(&["--engine", "native"]));
    let mut wasm_args = args.to_vec();
    wasm_args.extend(strings(&["--engine", "wasm"]));
    let native = run_in(dir, &native_args, stdin);
    let wasm = run_in(dir, &wasm_args, stdin);
    if native == wasm {
        return Ok(native);
    }
    let mut why = Vec::new();
    if native.code != wasm.code {
        why.push(format!("exit {} vs {}", native.code, wasm.code));
    }
    if native.stdout != wasm.stdout {
        why.push(format!(
            "stdout differs ({} vs {} bytes)",
            native.stdout.len(),
            wasm.stdout.len()
        ));
    }
    if native.stderr != wasm.stderr {
        why.push(format!(
            "stderr differs:\n  native: {}\n  wasm:   {}",
            native.stderr(),
            wasm.stderr()
        ));
    }
    Err(format!("{args:?}: {}", why.join("; ")))
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    entries
}

// ---------------------------------------------------------------- parity

/// Every validate fixture (crates/mcp-chart/tests/fixtures/validate), in the
/// human and json formats, plus its `# args:` line.
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn validate_fixtures_are_identical_under_both_engines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate");
    let mut failures = Vec::new();
    let mut count = 0;
    for path in sorted_entries(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".yaml") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("fixture");
        let extra: Vec<String> = String::from_utf8_lossy(&bytes)
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# args:"))
            .map(|a| a.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        for format in ["human", "json"] {
            let mut args = strings(&["validate", "--format", format, "-f", &name]);
            args.extend(extra.iter().cloned());
            if let Err(why) = parity(&dir, &args, b"") {
                failures.push(format!("{name}: {why}"));
            }
            count += 1;
        }
    }
    assert!(count >= 70, "expected the fixture set, ran {count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The github format, positional FILEs (several runs in one process: the
/// engine reuses its instance), stdin, --set and --deny-warnings.
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn validate_options_are_identical_under_both_engines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate");
    let cases: Vec<(Vec<String>, &[u8])> = vec![
        (
            strings(&["validate", "--format", "github", "-f", "unknown-key.yaml"]),
            b"",
        ),
        (
            strings(&[
                "validate",
                "unknown-key.yaml",
                "port-range.yaml",
                "duplicate-key.yaml",
                "not-utf8.yaml",
            ]),
            b"",
        ),
        (
            strings(&[
                "validate",
                "--format",
                "json",
                "sse-replicas.yaml",
                "cors-any-origin.yaml",
            ]),
            b"",
        ),
        (
            strings(&[
                "validate",
                "-f",
                "-",
                "--set",
                "replicaCount=2",
                "--deny-warnings",
            ]),
            b"mode: node\nnode:\n  package: x\nreplicaCount: yes\n",
        ),
        (
            strings(&["validate", "-f", "-", "--set-string", "service.port=80"]),
            b"\xef\xbb\xbfmode: image\r\nimage:\r\n  repository: r\r\n",
        ),
    ];
    let mut failures = Vec::new();
    for (args, stdin) in &cases {
        if let Err(why) = parity(&dir, args, stdin) {
            failures.push(why);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every post-render fixture (tests/fixtures/post-render/<case>/input.yaml with
/// its values.yaml and args), both the stream and `--check`.
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn post_render_fixtures_are_identical_under_both_engines() {
    let root = repo().join("tests/fixtures/post-render");
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in sorted_entries(&root) {
        if !dir.join("input.yaml").is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let input = std::fs::read(dir.join("input.yaml")).expect("input");
        let mut args = strings(&["post-render"]);
        if dir.join("values.yaml").is_file() {
            args.extend(strings(&["--values", "values.yaml"]));
        }
        if let Ok(extra) = std::fs::read_to_string(dir.join("args")) {
            args.extend(extra.lines().filter(|l| !l.is_empty()).map(str::to_string));
        }
        for check in [false, true] {
            let mut args = args.clone();
            if check {
                args.push("--check".into());
            }
            match parity(&dir, &args, &input) {
                Ok(run) if !check && !name.starts_with("error-") && run.stdout.is_empty() => {
                    failures.push(format!("{name}: no output"));
                }
                Ok(_) => {}
                Err(why) => failures.push(format!("{name}: {why}")),
            }
            count += 1;
        }
    }
    assert!(count >= 60, "expected the fixture set, ran {count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every file in examples/: validated, and (for values files) rendered by
/// Helm 4 and post-rendered.
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn examples_are_identical_under_both_engines() {
    let helm = std::env::var_os("HELM4")
        .map(PathBuf::from)
        .expect("$HELM4 (. scripts/env.sh after scripts/install-tools.sh helm)");
    let root = repo();
    let mut failures = Vec::new();
    let mut rendered = 0;
    for path in sorted_entries(&root.join("examples")) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".yaml") {
            continue;
        }
        let file = format!("examples/{name}");
        if let Err(why) = parity(&root, &strings(&["validate", "-f", &file]), b"") {
            failures.push(format!("{name}: {why}"));
        }
        let template = Command::new(&helm)
            .current_dir(&root)
            .args(["template", "t", "charts/mcp-server", "-f", &file])
            .output()
            .expect("runs helm");
        if !template.status.success() {
            continue; // not a values file (the Gateway manifest)
        }
        rendered += 1;
        for check in [false, true] {
            let mut args = strings(&["post-render"]);
            if check {
                args.push("--check".into());
            }
            if let Err(why) = parity(&root, &args, &template.stdout) {
                failures.push(format!("{name} (rendered): {why}"));
            }
        }
    }
    assert!(rendered >= 5, "only {rendered} examples rendered");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn schema_is_identical_under_both_engines() {
    let run = parity(&repo(), &strings(&["schema"]), b"").expect("parity");
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with(b"{"));
}

/// The compiled-code cache only saves time: with it off, the module is
/// compiled in the process and the answer is the same.
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn the_engine_works_without_the_cache() {
    let native = run_in(&repo(), &strings(&["schema"]), b"");
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .args(["schema", "--engine", "wasm"])
        .env("MCP_CHART_MODULE", module())
        .env("MCP_CHART_WASM_CACHE", "off")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, native.stdout);
    assert!(out.stderr.is_empty());
}

/// A relative `$MCP_CHART_WASM_CACHE` is a directory under the current one,
/// not a silent "no cache".
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn a_relative_cache_directory_is_used() {
    let tmp = std::env::temp_dir().join(format!("mcp-chart-wasm-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .current_dir(&tmp)
        .args(["schema", "--engine", "wasm"])
        .env("MCP_CHART_MODULE", module())
        .env("MCP_CHART_WASM_CACHE", "rel/cache")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = walk(&tmp.join("rel/cache"));
    assert!(
        !files.is_empty(),
        "nothing cached under the relative directory rel/cache"
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

/// Every file under `dir` (none when it does not exist).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

// ---------------------------------------------------------------- limits

fn engine_request(module: &Path, extra: &[&str], request: &str) -> Run {
    let mut args = strings(&["engine-request", "--engine", "wasm", "--wasm-module"]);
    args.push(module.display().to_string());
    args.extend(strings(extra));
    run_in(&repo(), &args, request.as_bytes())
}

/// A module that would run forever is stopped by the default fuel.
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn a_runaway_is_stopped_by_fuel() {
    let request = r#"{"op":"spin"}"#;
    let run = engine_request(&test_module(), &[], request);
    let fuel = 2_000_000_000 + 20_000 * request.len() as u64;
    assert_eq!(run.code, 2, "{}", run.stderr());
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.stderr(),
        format!(
            "mcp-chart: error: wasm engine: the module ran out of fuel after {fuel} instructions: \
             the input is too expensive to process (raise the limit with --wasm-fuel N)\n"
        )
    );
}

/// A module that allocates without end is stopped by the memory cap.
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn a_memory_hog_is_stopped_by_the_cap() {
    let run = engine_request(
        &test_module(),
        &["--wasm-max-memory", "64"],
        r#"{"op":"grow","step":1048576}"#,
    );
    assert_eq!(run.code, 2, "{}", run.stderr());
    assert!(run.stdout.is_empty());
    let stderr = run.stderr();
    assert!(
        stderr.starts_with(
            "mcp-chart: error: wasm engine: the module needed more than its memory limit of 64 MiB"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("--wasm-max-memory"), "{stderr}");
}

/// A panic in the core is a trap; the host reports the panic's message.
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn a_panic_is_reported_with_its_message() {
    let run = engine_request(&test_module(), &[], r#"{"op":"panic","message":"boom 42"}"#);
    assert_eq!(run.code, 2, "{}", run.stderr());
    let stderr = run.stderr();
    assert!(
        stderr.starts_with("mcp-chart: error: wasm engine: the module stopped with an error: "),
        "{stderr}"
    );
    assert!(stderr.contains("boom 42"), "{stderr}");
}

fn typical_stream() -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/post-render/gateway-both/input.yaml"))
        .expect("fixture")
}

/// Real input, too little fuel: post-render fails cleanly (nothing on stdout,
/// the error on stderr and in the error file, exit 2).
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn post_render_out_of_fuel_writes_nothing() {
    let error_file =
        std::env::temp_dir().join(format!("mcp-chart-wasm-fuel-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&error_file);
    let mut args = strings(&[
        "post-render",
        "--engine",
        "wasm",
        "--wasm-fuel",
        "1000000",
        "--error-file",
    ]);
    args.push(error_file.display().to_string());
    let run = run_in(&repo(), &args, &typical_stream());
    assert_eq!(run.code, 2, "{}", run.stderr());
    assert!(run.stdout.is_empty());
    let expected = "mcp-chart post-render: error: wasm engine: the module ran out of fuel after \
                    1000000 instructions: the input is too expensive to process (raise the limit \
                    with --wasm-fuel N)\n";
    assert_eq!(run.stderr(), expected);
    assert_eq!(
        std::fs::read_to_string(&error_file).expect("error file"),
        expected
    );
    let _ = std::fs::remove_file(&error_file);

    let validate = run_in(
        &repo(),
        &strings(&[
            "validate",
            "-f",
            "examples/python-aws-docs.yaml",
            "--engine",
            "wasm",
            "--wasm-fuel",
            "1000000",
        ]),
        b"",
    );
    assert_eq!(validate.code, 2);
    assert!(validate.stdout.is_empty());
    assert!(
        validate.stderr().starts_with(
            "mcp-chart: error: wasm engine: the module ran out of fuel after 1000000 instructions"
        ),
        "{}",
        validate.stderr()
    );
}

/// Real input bigger than the memory cap: stopped by the cap, not by the OS.
#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn post_render_of_a_huge_stream_is_stopped_by_the_cap() {
    // ~24 MB of ConfigMaps: the request alone is bigger than the 16 MiB cap.
    let mut stream = Vec::new();
    let data = "x".repeat(1000);
    for i in 0..24_000 {
        writeln!(
            stream,
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  k: {data}"
        )
        .unwrap();
    }
    let run = run_in(
        &repo(),
        &strings(&["post-render", "--engine", "wasm", "--wasm-max-memory", "16"]),
        &stream,
    );
    assert_eq!(run.code, 2, "{}", run.stderr());
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr().starts_with(
            "mcp-chart post-render: error: wasm engine: the module needed more than its memory limit of 16 MiB"
        ),
        "{}",
        run.stderr()
    );
}

// ---------------------------------------------------------------- the module

#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn the_module_imports_nothing_and_exports_the_abi() {
    let engine = wasmtime::Engine::default();
    for path in [module(), test_module()] {
        let module = wasmtime::Module::from_file(&engine, &path).expect("compiles");
        let imports: Vec<String> = module
            .imports()
            .map(|i| format!("{}::{}", i.module(), i.name()))
            .collect();
        assert!(
            imports.is_empty(),
            "{}: imports {imports:?}",
            path.display()
        );
        let exports: Vec<&str> = module.exports().map(|e| e.name()).collect();
        for name in [
            "memory",
            "abi_version",
            "alloc",
            "dealloc",
            "run",
            "panic_message",
        ] {
            assert!(
                exports.contains(&name),
                "{}: no `{name}` in {exports:?}",
                path.display()
            );
        }
    }
}

#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn the_shipped_module_has_no_test_ops() {
    let run = engine_request(&module(), &[], r#"{"op":"spin"}"#);
    assert_eq!(run.code, 2, "{}", run.stderr());
    let response: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    assert_eq!(response["op"], "error");
    let message = response["message"].as_str().unwrap_or_default();
    assert!(message.contains("unknown variant `spin`"), "{message}");
    let info = engine_request(&module(), &[], r#"{"op":"info"}"#);
    assert_eq!(info.code, 0);
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).expect("json");
    assert_eq!(info["test_ops"], false);
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn a_missing_or_foreign_module_is_a_clear_usage_error() {
    let tmp = std::env::temp_dir().join(format!("mcp-chart-wasm-bad-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();

    let missing = run_in(
        &repo(),
        &strings(&[
            "schema",
            "--engine",
            "wasm",
            "--wasm-module",
            "/nonexistent/m.wasm",
        ]),
        b"",
    );
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr().contains("cannot read /nonexistent/m.wasm"),
        "{}",
        missing.stderr()
    );

    let not_wasm = tmp.join("not.wasm");
    std::fs::write(&not_wasm, b"hello").unwrap();
    let run = run_in(
        &repo(),
        &strings(&[
            "schema",
            "--engine",
            "wasm",
            "--wasm-module",
            &not_wasm.display().to_string(),
        ]),
        b"",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr().contains("is not an mcp-chart module"),
        "{}",
        run.stderr()
    );

    // (module (import "env" "x" (func)))
    let importing = tmp.join("imports.wasm");
    std::fs::write(
        &importing,
        [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
            0x02, 0x09, 0x01, 0x03, b'e', b'n', b'v', 0x01, b'x', 0x00, 0x00, // import env::x
        ],
    )
    .unwrap();
    let run = run_in(
        &repo(),
        &strings(&[
            "schema",
            "--engine",
            "wasm",
            "--wasm-module",
            &importing.display().to_string(),
        ]),
        b"",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr().contains("it imports `env::x`"),
        "{}",
        run.stderr()
    );

    // No flag, no variable, nothing next to the binary.
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .args(["schema", "--engine", "wasm"])
        .env_remove("MCP_CHART_MODULE")
        .output()
        .expect("runs");
    let beside = Path::new(env!("CARGO_BIN_EXE_mcp-chart")).with_file_name("mcp-chart-module.wasm");
    if !beside.exists() {
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("no module to run"), "{stderr}");
        assert!(stderr.contains("MCP_CHART_MODULE"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
#[ignore = "needs the wasm module: scripts/build-wasm-module.sh --test (check.sh runs these)"]
fn a_bad_request_is_a_protocol_error() {
    for engine in ["native", "wasm"] {
        let run = run_in(
            &repo(),
            &strings(&["engine-request", "--engine", engine]),
            br#"{"op":"validate","values":"nope"}"#,
        );
        assert_eq!(run.code, 2, "{engine}");
        let response: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
        assert_eq!(response["op"], "error", "{engine}");
    }
}
