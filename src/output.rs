//! Writing outputs atomically: every file is written under a temporary name in the output
//! folder and renamed into place only when the whole run succeeded. A failed run leaves no
//! partial outputs behind.
//!
//! Several files may be written at once (the set is shared). Each finished file is synced
//! to disk on its own thread while the others are written; [`OutputSet::commit`] waits for
//! every sync before it renames anything, and lists the files in the order they were named.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use crate::error::{Error, Result};

/// A set of output files committed together.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    /// The names the set was made for, in the order [`OutputSet::commit`] lists them.
    names: Vec<String>,
    /// `(temporary, target)` of every created file, in the order they were created.
    pending: Mutex<Vec<(PathBuf, PathBuf)>>,
    /// Files (or parts of them) being synced to disk, with the path named in an error.
    syncing: Mutex<Vec<(PathBuf, JoinHandle<std::io::Result<()>>)>>,
    committed: bool,
}

/// The guarded list, also after a thread panicked holding it (the lists stay valid).
fn locked<T>(list: &Mutex<T>) -> MutexGuard<'_, T> {
    list.lock().unwrap_or_else(PoisonError::into_inner)
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
        Ok(OutputSet {
            dir: dir.to_path_buf(),
            names: names.iter().map(|n| n.to_string()).collect(),
            pending: Mutex::default(),
            syncing: Mutex::default(),
            committed: false,
        })
    }

    /// Opens `name` for writing under a temporary name.
    pub fn create(&self, name: &str) -> Result<BufWriter<File>> {
        let target = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.steward-tmp-{}", std::process::id()));
        let file =
            File::create(&temp).map_err(|cause| Error::Write { path: temp.clone(), cause })?;
        locked(&self.pending).push((temp, target));
        Ok(BufWriter::with_capacity(1 << 16, file))
    }

    /// Flushes a file opened by [`OutputSet::create`] and starts syncing it to disk; `name`
    /// is the path errors name. The sync runs beside the next output: [`OutputSet::commit`]
    /// waits for it and fails if it failed.
    pub fn finish(&self, mut writer: BufWriter<File>, name: &Path) -> Result<()> {
        writer.flush().map_err(|cause| Error::Write { path: name.to_path_buf(), cause })?;
        let file = writer
            .into_inner()
            .map_err(|e| Error::Write { path: name.to_path_buf(), cause: e.into_error() })?;
        // If no thread can start, the file is synced here instead.
        match start_sync(&file, File::sync_all) {
            Ok(handle) => locked(&self.syncing).push((name.to_path_buf(), handle)),
            Err(_) => sync_now(&file, name)?,
        }
        Ok(())
    }

    /// Flushes `writer` and starts syncing what it holds so far to disk, unless an earlier
    /// such sync of it is still running: a large output then has little left to sync when it
    /// is finished. `name` is the path errors name.
    pub fn write_back(&self, writer: &mut BufWriter<File>, name: &Path) -> Result<()> {
        let running = |(path, sync): &(PathBuf, JoinHandle<_>)| path == name && !sync.is_finished();
        if locked(&self.syncing).iter().any(running) {
            return Ok(());
        }
        writer.flush().map_err(|cause| Error::Write { path: name.to_path_buf(), cause })?;
        // Only a head start: when no thread can start, `finish` syncs it all.
        if let Ok(handle) = start_sync(writer.get_ref(), File::sync_data) {
            locked(&self.syncing).push((name.to_path_buf(), handle));
        }
        Ok(())
    }

    /// Waits for every file's sync; the first failure, in the order files were finished.
    fn synced(&mut self) -> Result<()> {
        let mut first_error = None;
        let syncing = std::mem::take(&mut *locked(&self.syncing));
        for (name, handle) in syncing {
            let outcome = handle.join().unwrap_or_else(|_| {
                Err(std::io::Error::other("the thread syncing this file to disk failed"))
            });
            if let Err(cause) = outcome {
                first_error.get_or_insert(Error::Write { path: name, cause });
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Waits until every file is on disk, then renames each into place; returns them in the
    /// order they were named to [`OutputSet::new`] (others after, as created). Until this is
    /// called, dropping the set removes them.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        self.synced()?;
        let mut pending = std::mem::take(&mut *locked(&self.pending));
        let rank = |target: &Path| {
            let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("");
            self.names.iter().position(|n| n == name).unwrap_or(self.names.len())
        };
        pending.sort_by_key(|(_, target)| rank(target));
        let mut done = Vec::new();
        for (temp, target) in pending {
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
        // A failed run still waits for its syncs, so no thread outlives the set.
        let _ = self.synced();
        if !self.committed {
            for (temp, _) in locked(&self.pending).iter() {
                let _ = std::fs::remove_file(temp);
            }
        }
    }
}

/// Runs `sync` on a second handle of `file`, on a thread of its own.
fn start_sync(
    file: &File,
    sync: fn(&File) -> std::io::Result<()>,
) -> std::io::Result<JoinHandle<std::io::Result<()>>> {
    let handle = file.try_clone()?;
    std::thread::Builder::new().name("steward-sync".into()).spawn(move || sync(&handle))
}

fn sync_now(file: &File, name: &Path) -> Result<()> {
    file.sync_all().map_err(|cause| Error::Write { path: name.to_path_buf(), cause })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(set: &OutputSet, name: &str, text: &str) {
        let path = set.dir.join(name);
        let mut w = set.create(name).unwrap();
        w.write_all(text.as_bytes()).unwrap();
        set.finish(w, &path).unwrap();
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn committed_files_are_whole_and_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let set = OutputSet::new(dir.path(), &["a.csv", "b.csv"], &[]).unwrap();
        // Written at once, finished out of order: listed as named.
        std::thread::scope(|scope| {
            scope.spawn(|| write(&set, "b.csv", &"z\n".repeat(100_000)));
            scope.spawn(|| write(&set, "a.csv", "x,y\n1,2\n"));
        });
        assert_eq!(locked(&set.syncing).len(), 2, "both files are synced beside the others");
        let done = set.commit().unwrap();
        assert_eq!(done, [dir.path().join("a.csv"), dir.path().join("b.csv")]);
        assert_eq!(listing(dir.path()), ["a.csv", "b.csv"], "no temporary file is left");
        assert_eq!(std::fs::read_to_string(dir.path().join("a.csv")).unwrap(), "x,y\n1,2\n");
        assert_eq!(std::fs::read(dir.path().join("b.csv")).unwrap().len(), 200_000);
    }

    #[test]
    fn written_back_files_are_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let set = OutputSet::new(dir.path(), &["big.csv"], &[]).unwrap();
        let mut w = set.create("big.csv").unwrap();
        for line in 0..2000 {
            writeln!(w, "{line},{}", "v".repeat(100)).unwrap();
            if line % 100 == 0 {
                set.write_back(&mut w, &path).unwrap();
            }
        }
        assert!(!locked(&set.syncing).is_empty(), "the first write-back starts a sync");
        set.finish(w, &path).unwrap();
        set.commit().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2000);
        assert!(text.ends_with(&format!("1999,{}\n", "v".repeat(100))));
    }

    #[test]
    fn a_set_dropped_before_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let set = OutputSet::new(dir.path(), &["a.csv", "b.csv"], &[]).unwrap();
        write(&set, "a.csv", "x\n");
        let _unfinished = set.create("b.csv").unwrap();
        drop(set);
        assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
    }
}
