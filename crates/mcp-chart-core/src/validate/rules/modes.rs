//! `mode-package-missing`: node and python modes need their package.

use super::blank;
use crate::validate::context::Ctx;
use crate::validate::diagnostic::Diagnostic;
use crate::validate::Code;

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let mode = super::mode(ctx);
    let (section, example) = match mode {
        "node" => ("node", "mcp-remote"),
        "python" => ("python", "mcp-server-time"),
        _ => return,
    };
    let package = format!("/{section}/package");
    if !blank(ctx.str(&package)) {
        return;
    }
    let at = ctx.user_first(&[&package, "/mode"]);
    out.push(
        ctx.diag(
            Code::ModePackageMissing,
            at,
            format!("`mode` is {mode} but `{section}.package` is empty: the chart refuses to render"),
        )
        .with_help(format!(
            "set `{section}.package` to the package to run, for example `{section}.package: {example}`"
        )),
    );
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{at, run};
    use crate::validate::Code;

    #[test]
    fn node_without_package_points_at_mode() {
        let r = run("replicaCount: 1\nmode: node\n");
        assert_eq!(at(&r, Code::ModePackageMissing), ["2:7"]);
        assert!(!r.valid);
    }

    #[test]
    fn empty_package_written_by_the_user_is_the_location() {
        let r = run("mode: python\npython:\n  package: \"\"\n");
        assert_eq!(at(&r, Code::ModePackageMissing), ["3:12"]);
    }

    #[test]
    fn image_mode_and_packages_pass() {
        assert!(at(&run("mode: image\n"), Code::ModePackageMissing).is_empty());
        assert!(at(
            &run("mode: node\nnode:\n  package: x\n"),
            Code::ModePackageMissing
        )
        .is_empty());
    }
}
