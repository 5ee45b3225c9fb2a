/**
 * Reading and writing files in folders that another user may write: one atomic-file
 * helper ({@link dev.acmefilter.files.AtomicFile} on {@link dev.acmefilter.files.NewFile})
 * for every file the project writes, bounded reads that never follow a link
 * ({@link dev.acmefilter.files.RegularFile}), and folder creation and sync
 * ({@link dev.acmefilter.files.Folders}). The bottom of the package graph: it depends on no
 * other package of the project, so state, output, challenge and provision all use it.
 */
package dev.acmefilter.files;
