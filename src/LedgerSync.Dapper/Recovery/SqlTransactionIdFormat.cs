namespace LedgerSync.Dapper.Recovery;

/// <summary>How a host's table stores transaction IDs, so that recovery can look rows up by ID with an index.</summary>
public enum SqlTransactionIdFormat
{
    /// <summary>64 upper-case hexadecimal digits, as <see cref="TransactionId.ToString()"/> writes them (the default).</summary>
    UpperCaseHex,

    /// <summary>64 lower-case hexadecimal digits.</summary>
    LowerCaseHex,

    /// <summary>The 32 raw bytes (a blob on SQLite, <c>bytea</c> on PostgreSQL).</summary>
    Bytes,
}
