//! "Did you mean": the closest known name to a misspelled one.

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, cell) in d.iter_mut().step_by(width).enumerate() {
        *cell = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// Lower case without `_`, `-` and `.`: `allow_origins` and `allowOrigins` meet.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The candidate closest to `typed`, when one is close enough to be a typo.
pub fn closest<'c>(typed: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let typed_n = normalize(typed);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let cand_n = normalize(candidate);
        let score = if cand_n == typed_n {
            0
        } else {
            let d = distance(&typed_n, &cand_n);
            let shorter = typed_n.chars().count().min(cand_n.chars().count());
            let common = typed_n
                .chars()
                .zip(cand_n.chars())
                .take_while(|(a, b)| a == b)
                .count();
            let prefix = common >= 4 && common >= shorter * 2 / 3;
            if d <= (shorter / 3).max(1) {
                d
            } else if prefix {
                // `replicas` for `replicaCount`: rank after real typos.
                10 + d
            } else {
                continue;
            }
        };
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_transpositions_once() {
        assert_eq!(distance("enabeld", "enabled"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn typos_case_and_separators_find_the_key() {
        let keys = ["enabled", "image", "port", "allowOrigins", "replicaCount"];
        assert_eq!(closest("enabeld", keys), Some("enabled"));
        assert_eq!(closest("Enabled", keys), Some("enabled"));
        assert_eq!(closest("allow_origins", keys), Some("allowOrigins"));
        assert_eq!(closest("replicas", keys), Some("replicaCount"));
        assert_eq!(closest("prot", keys), Some("port"));
        assert_eq!(closest("zzzzzz", keys), None);
    }
}
