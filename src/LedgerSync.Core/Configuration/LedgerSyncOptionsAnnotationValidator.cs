using Microsoft.Extensions.Options;

namespace LedgerSync;

/// <summary>Checks the data-annotation ranges of <see cref="LedgerSyncOptions"/> (generated at compile time, no reflection).</summary>
[OptionsValidator]
internal sealed partial class LedgerSyncOptionsAnnotationValidator : IValidateOptions<LedgerSyncOptions>;
