using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace LedgerSync;

/// <summary>
/// A <see cref="RangeAttribute"/> for <see cref="LedgerSyncOptions"/> whose failure names the configuration key as the
/// reference product spells it, the value and the accepted range, for example
/// <c>maxNumberOfIbfFilterFlows = 16 is out of range; accepted: 1 to 15.</c>
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class AcceptedRangeAttribute(int minimum, int maximum) : RangeAttribute(minimum, maximum)
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (IsValid(value))
        {
            return ValidationResult.Success;
        }

        var member = validationContext.MemberName ?? validationContext.DisplayName;
        var key = LedgerSyncOptionKeys.KeyOf(member);
        var min = ((int)Minimum).ToString(CultureInfo.InvariantCulture);
        var max = ((int)Maximum).ToString(CultureInfo.InvariantCulture);
        var shown = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null";
        // No member names: the options validator would prefix them ("MaxMessageSize: ..."); the key already names it.
        return new ValidationResult($"{key} = {shown} is out of range; accepted: {min} to {max}.");
    }
}
