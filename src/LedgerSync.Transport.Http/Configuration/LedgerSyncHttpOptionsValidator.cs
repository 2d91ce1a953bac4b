using Microsoft.Extensions.Options;

namespace LedgerSync.Transport.Http;

/// <summary>Checks the data-annotation ranges of <see cref="LedgerSyncHttpOptions"/> (generated).</summary>
[OptionsValidator]
internal sealed partial class LedgerSyncHttpOptionsValidator : IValidateOptions<LedgerSyncHttpOptions>
{
}
