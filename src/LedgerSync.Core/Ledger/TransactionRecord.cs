namespace LedgerSync.Ledger;

/// <summary>
/// One transaction as a source returns it: decoded metadata, raw bytes for the host's <see cref="ITransactionDecoder"/>,
/// or a row the source could not read (so that the graph reports it instead of silently skipping it).
/// </summary>
public sealed class TransactionRecord
{
    private string? _key;

    private TransactionRecord(string? key, TransactionId? id, TransactionMetadata? metadata, ReadOnlyMemory<byte> bytes, string? problem)
    {
        _key = key;
        Id = id;
        Metadata = metadata;
        Bytes = bytes;
        Problem = problem;
    }

    /// <summary>How the source names the row in messages (usually the transaction ID in hexadecimal).</summary>
    public string Key => _key ??= Id?.ToString() ?? "(unknown)";

    /// <summary>The transaction's ID, if known before decoding.</summary>
    public TransactionId? Id { get; }

    /// <summary>The decoded metadata, or <see langword="null"/> for raw bytes and unreadable rows.</summary>
    public TransactionMetadata? Metadata { get; }

    /// <summary>The raw transaction to decode (empty unless created with <see cref="FromBytes"/>).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>What is wrong with the row, or <see langword="null"/>.</summary>
    public string? Problem { get; }

    /// <summary>A transaction whose metadata the source has already read.</summary>
    /// <param name="metadata">The metadata.</param>
    public static TransactionRecord FromMetadata(TransactionMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new TransactionRecord(null, metadata.Id, metadata, default, null); // the key is formatted only if needed
    }

    /// <summary>A raw transaction for the host's <see cref="ITransactionDecoder"/>.</summary>
    /// <param name="key">How to name the row in messages (for example its ID or primary key).</param>
    /// <param name="bytes">The raw transaction.</param>
    /// <param name="id">The transaction's ID if the source knows it; the decoded metadata must then carry the same ID.</param>
    public static TransactionRecord FromBytes(string key, ReadOnlyMemory<byte> bytes, TransactionId? id = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new TransactionRecord(key, id, null, bytes, null);
    }

    /// <summary>A row the source could not read; the graph records it as <see cref="LedgerGraphErrorKind.InvalidData"/>.</summary>
    /// <param name="key">How to name the row in messages (for example the ID column's text).</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    /// <param name="id">The transaction's ID if it could be read.</param>
    public static TransactionRecord Malformed(string key, string problem, TransactionId? id = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(problem);
        return new TransactionRecord(key, id, null, default, problem);
    }
}
