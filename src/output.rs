//! Writing outputs atomically: every file is written under a temporary name in the output
//! folder and renamed into place only when the whole run succeeded. A failed run leaves no
//! partial outputs behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A set of output files committed together.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl OutputSet {
    /// Prepares `dir` (created if missing). Refuses when an output would overwrite an input.
    pub fn new(dir: &Path, names: &[&str], inputs: &[PathBuf]) -> Result<OutputSet> {
        std::fs::create_dir_all(dir)
            .map_err(|cause| Error::Write { path: dir.to_path_buf(), cause })?;
        let canonical_inputs: Vec<PathBuf> =
            inputs.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect();
        for name in names {
            let target = dir.join(name);
            if let Ok(canonical) = std::fs::canonicalize(&target) {
                if canonical_inputs.contains(&canonical) {
                    return Err(Error::Usage(format!(
                        "{}: this output would overwrite an input file; choose another --out folder",
                        target.display()
                    )));
                }
            }
        }
        Ok(OutputSet { dir: dir.to_path_buf(), pending: Vec::new(), committed: false })
    }

    /// Opens `name` for writing under a temporary name.
    pub fn create(&mut self, name: &str) -> Result<BufWriter<File>> {
        let target = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.steward-tmp-{}", std::process::id()));
        let file =
            File::create(&temp).map_err(|cause| Error::Write { path: temp.clone(), cause })?;
        self.pending.push((temp, target));
        Ok(BufWriter::with_capacity(1 << 16, file))
    }

    /// Renames every file into place. Until this is called, dropping the set removes them.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let mut done = Vec::new();
        for (temp, target) in std::mem::take(&mut self.pending) {
            std::fs::rename(&temp, &target)
                .map_err(|cause| Error::Write { path: target.clone(), cause })?;
            done.push(target);
        }
        self.committed = true;
        Ok(done)
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if !self.committed {
            for (temp, _) in &self.pending {
                let _ = std::fs::remove_file(temp);
            }
        }
    }
}

/// Flushes a buffered writer, mapping the error to the output's path.
pub fn finish(mut writer: BufWriter<File>, name: &Path) -> Result<()> {
    writer.flush().map_err(|cause| Error::Write { path: name.to_path_buf(), cause })?;
    writer
        .into_inner()
        .map_err(|e| Error::Write { path: name.to_path_buf(), cause: e.into_error() })?
        .sync_all()
        .map_err(|cause| Error::Write { path: name.to_path_buf(), cause })
}
