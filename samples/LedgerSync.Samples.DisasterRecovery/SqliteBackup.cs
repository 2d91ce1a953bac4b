using Microsoft.Data.Sqlite;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>Backs up and restores SQLite database files with SQLite's online backup API.</summary>
internal static class SqliteBackup
{
    /// <summary>Copies the live database at <paramref name="path"/> into <paramref name="backupDirectory"/>; returns the copy's path.</summary>
    public static string Backup(string path, string backupDirectory)
    {
        Directory.CreateDirectory(backupDirectory);
        var backupPath = Path.Combine(backupDirectory, Path.GetFileName(path));
        Delete(backupPath);
        using var source = Open(path, SqliteOpenMode.ReadWriteCreate);
        using var destination = Open(backupPath, SqliteOpenMode.ReadWriteCreate);
        source.BackupDatabase(destination);
        return backupPath;
    }

    /// <summary>The disaster and the restore: the database at <paramref name="path"/> is lost, then rebuilt from the backup.</summary>
    public static void Restore(string path, string backupDirectory)
    {
        SqliteConnection.ClearAllPools();
        Delete(path);
        using var source = Open(Path.Combine(backupDirectory, Path.GetFileName(path)), SqliteOpenMode.ReadOnly);
        using var destination = Open(path, SqliteOpenMode.ReadWriteCreate);
        source.BackupDatabase(destination);
    }

    /// <summary>Deletes a database file with its write-ahead log and shared-memory files.</summary>
    public static void Delete(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
