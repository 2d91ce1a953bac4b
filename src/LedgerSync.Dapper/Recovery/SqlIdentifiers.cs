using System.Data;
using System.Text.RegularExpressions;
using Dapper;

namespace LedgerSync.Dapper.Recovery;

/// <summary>Checks the table and column names the generic-table recovery plug-ins put into their SQL, and writes IDs as the table stores them.</summary>
internal static partial class SqlIdentifiers
{
    /// <summary>Returns <paramref name="name"/> when it is a plain identifier (optionally schema-qualified); throws otherwise.</summary>
    /// <exception cref="ArgumentException">The name is missing or not a plain identifier (letters, digits, underscores; one optional dot).</exception>
    public static string Require(string? name, string option)
    {
        if (string.IsNullOrWhiteSpace(name) || !Identifier().IsMatch(name))
        {
            throw new ArgumentException(
                $"{option} must be a plain SQL identifier (letters, digits and underscores, optionally schema.name); got '{name}'.",
                option);
        }

        return name;
    }

    /// <summary>Adds <paramref name="id"/> as parameter <paramref name="name"/>, in the table's format.</summary>
    public static void AddId(DynamicParameters parameters, string name, TransactionId id, SqlTransactionIdFormat format)
    {
        switch (format)
        {
            case SqlTransactionIdFormat.UpperCaseHex:
                parameters.Add(name, id.ToString(), DbType.String);
                break;
            case SqlTransactionIdFormat.LowerCaseHex:
                parameters.Add(name, id.ToString().ToLowerInvariant(), DbType.String);
                break;
            case SqlTransactionIdFormat.Bytes:
                parameters.Add(name, id.ToByteArray(), DbType.Binary);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown transaction ID format.");
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
