//! Values that shape the workload: modes, images, the server container.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{OpenObject, StringMap};

/// How the server process is started.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Your own image, with its entrypoint or `image.command`.
    #[default]
    Image,
    /// An npm package run with `npx`.
    Node,
    /// A PyPI package run with `uvx` (or installed with pip).
    Python,
}

/// When the kubelet pulls an image.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PullPolicy {
    /// Pull on every start.
    Always,
    /// Pull only when the node lacks the image.
    #[default]
    IfNotPresent,
    /// Never pull.
    Never,
}

/// Settings of the server container shared by every mode.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Container {
    /// Extra environment variables (Kubernetes EnvVar objects).
    pub env: Vec<OpenObject>,
    /// Extra envFrom sources, such as Secret or ConfigMap references.
    pub extra_env_from: Vec<OpenObject>,
    /// Replaces the container command of any mode (exec form, one item each).
    pub command: Vec<String>,
    /// Replaces the container args of any mode (one item each).
    pub args: Vec<String>,
    /// Working directory of the server process (empty: the image's default).
    pub working_dir: String,
    /// Port the server listens on for HTTP or WebSocket transports.
    #[schemars(range(min = 1, max = 65535))]
    pub port: i64,
}

impl Mode {
    /// The value as written in values files.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Image => "image",
            Mode::Node => "node",
            Mode::Python => "python",
        }
    }
}

impl Default for Container {
    fn default() -> Self {
        Container {
            env: Vec::new(),
            extra_env_from: Vec::new(),
            command: Vec::new(),
            args: Vec::new(),
            working_dir: String::new(),
            port: 3000,
        }
    }
}

/// Settings for `mode: image`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ImageSettings {
    /// Image repository of the server.
    pub repository: String,
    /// Image tag; empty means the chart's appVersion.
    pub tag: String,
    /// Pull policy of the server image.
    pub pull_policy: PullPolicy,
    /// Command for `mode: image` (exec form); empty keeps the image's entrypoint.
    pub command: Vec<String>,
    /// Arguments for `mode: image`; empty keeps the image's default.
    pub args: Vec<String>,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            repository: "nginx".into(),
            tag: String::new(),
            pull_policy: PullPolicy::IfNotPresent,
            command: Vec::new(),
            args: Vec::new(),
        }
    }
}

/// Settings for `mode: node`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeSettings {
    /// Image that provides node and npx.
    pub image: String,
    /// Pull policy of the node image.
    pub pull_policy: PullPolicy,
    /// npm package to run, such as `mcp-remote` or `@scope/server`.
    pub package: String,
    /// Version or dist-tag of the package (empty: whatever npx picks).
    pub version: String,
    /// Arguments for the package, one item each.
    pub args: Vec<String>,
    /// Name of a Secret with an `.npmrc` key, for private registries.
    pub npmrc_secret: String,
    /// Where the `.npmrc` file is mounted.
    pub npmrc_mount_path: String,
    /// Shell steps run before the server starts.
    pub pre_start: Vec<String>,
}

impl Default for NodeSettings {
    fn default() -> Self {
        NodeSettings {
            image: "node:24-alpine".into(),
            pull_policy: PullPolicy::IfNotPresent,
            package: String::new(),
            version: "latest".into(),
            args: Vec::new(),
            npmrc_secret: String::new(),
            npmrc_mount_path: "/home/node/.npmrc".into(),
            pre_start: Vec::new(),
        }
    }
}

/// Settings for `mode: python`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PythonSettings {
    /// Image that provides Python and uv/uvx.
    pub image: String,
    /// Pull policy of the Python image.
    pub pull_policy: PullPolicy,
    /// Package to run with uvx, such as `my-mcp-server@1.2.0`.
    pub package: String,
    /// A source for uvx `--from`, such as `git+https://...`; `package` is then the
    /// command run from it.
    pub from_git: String,
    /// Arguments for the package, one item each.
    pub args: Vec<String>,
    /// Shell steps run before the server starts.
    pub pre_start: Vec<String>,
    /// Install the package with pip and run its command, instead of uvx.
    pub use_pip: bool,
}

impl Default for PythonSettings {
    fn default() -> Self {
        PythonSettings {
            image: "ghcr.io/astral-sh/uv:latest".into(),
            pull_policy: PullPolicy::IfNotPresent,
            package: String::new(),
            from_git: String::new(),
            args: Vec::new(),
            pre_start: Vec::new(),
            use_pip: false,
        }
    }
}

/// A configuration file mounted from a ConfigMap.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ConfigFile {
    /// Render the ConfigMap and mount it.
    pub enabled: bool,
    /// File name inside `mountPath`.
    pub filename: String,
    /// Directory the file is mounted in.
    pub mount_path: String,
    /// Text of the file.
    pub contents: String,
}

impl Default for ConfigFile {
    fn default() -> Self {
        ConfigFile {
            enabled: false,
            filename: "config.toml".into(),
            mount_path: "/config".into(),
            contents: "# example config\n# [server]\n# port = 3000\n".into(),
        }
    }
}

/// The ServiceAccount of the pods.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ServiceAccount {
    /// Render a ServiceAccount.
    pub create: bool,
    /// Mount the account's API token into the pods.
    pub automount: bool,
    /// Annotations of the ServiceAccount.
    pub annotations: StringMap,
    /// Name to use; empty means the generated full name (or `default` when not created).
    pub name: String,
}

impl Default for ServiceAccount {
    fn default() -> Self {
        ServiceAccount {
            create: true,
            automount: true,
            annotations: StringMap::new(),
            name: String::new(),
        }
    }
}
