namespace LedgerSync.Ledger;

/// <summary>The kinds of ledger graph consistency error.</summary>
public enum LedgerGraphErrorKind
{
    /// <summary>A transaction depends on a transaction the ledger does not hold.</summary>
    MissingDependency,

    /// <summary>The same ID was recorded twice with different metadata.</summary>
    DuplicateWithDifferentMetadata,

    /// <summary>The transaction is part of a dependency cycle.</summary>
    DependencyCycle,

    /// <summary>The transaction source returned a row or bytes that could not be read.</summary>
    InvalidData,
}
