/**
 * Backups of the k3s datastore (issue 14, docs/backup.md): the {@code k3s_backup} resource type (a schedule and a
 * retention: k3s's own {@code etcd-snapshot-*} settings for embedded etcd, a node-side systemd timer for SQLite),
 * the node-side scripts of {@code pictl backup} and {@code pictl restore}, and the admin-side snapshot files
 * (archive 0600, its sha256, a metadata file that holds no secret). Never prints, never logs a token.
 */
package dev.pictl.types.backup;
