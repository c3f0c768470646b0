using System.Text.Json;
using CustomerInsightsSynapse.Core.Cdm;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// <see cref="CdmAttribute"/> holds its optional numbers compactly; what it answers, prints, serializes and compares is
/// what a plain positional record of the same parameters gives.
/// </summary>
public sealed class CdmAttributeTests
{
    public static TheoryData<int?, int?, int?, bool?> Shapes => new()
    {
        { null, null, null, null },
        { 50, null, null, true },
        { null, 18, 4, false },
        { 0, 0, 0, null },
        { int.MinValue, int.MaxValue, -1, true },
        { 4000, 38, null, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AnAttributeAnswersAsAPlainRecordDoes(int? maxLength, int? precision, int? scale, bool? isNullable)
    {
        var attribute = new CdmAttribute("Amount", "decimal", maxLength, precision, scale, isNullable, "text");
        var plain = new PlainAttribute("Amount", "decimal", maxLength, precision, scale, isNullable, "text");

        Assert.Equal((plain.MaxLength, plain.Precision, plain.Scale, plain.IsNullable), (attribute.MaxLength, attribute.Precision, attribute.Scale, attribute.IsNullable));
        Assert.Equal(plain.ToString().Replace(nameof(PlainAttribute), nameof(CdmAttribute), StringComparison.Ordinal), attribute.ToString());
        Assert.Equal(JsonSerializer.Serialize(plain), JsonSerializer.Serialize(attribute));
        Assert.Equal(attribute, new CdmAttribute("Amount", "decimal", maxLength, precision, scale, isNullable, "text"));
        Assert.Equal(attribute.GetHashCode(), new CdmAttribute("Amount", "decimal", maxLength, precision, scale, isNullable, "text").GetHashCode());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void WithChangesOnlyWhatItNames(int? maxLength, int? precision, int? scale, bool? isNullable)
    {
        var attribute = new CdmAttribute("Amount", "decimal", maxLength, precision, scale, isNullable);

        Assert.Equal(new CdmAttribute("Amount", "decimal", 7, precision, scale, isNullable), attribute with { MaxLength = 7 });
        Assert.Equal(new CdmAttribute("Amount", "decimal", maxLength, null, scale, isNullable), attribute with { Precision = null });
        Assert.Equal(new CdmAttribute("Amount", "decimal", maxLength, precision, 0, isNullable), attribute with { Scale = 0 });
        Assert.Equal(new CdmAttribute("Amount", "decimal", maxLength, precision, scale, null), attribute with { IsNullable = null });
        Assert.Equal(new CdmAttribute("Amount", "decimal", maxLength, precision, scale, false), attribute with { IsNullable = false });
        Assert.Equal(new CdmAttribute("Other", "string", maxLength, precision, scale, isNullable, "d"), attribute with { Name = "Other", DataType = "string", Description = "d" });
        Assert.NotEqual(attribute, attribute with { IsNullable = !(isNullable ?? false) });
    }

    [Fact]
    public void ANumberSetToZeroIsNotOneLeftOut()
    {
        Assert.NotEqual(new CdmAttribute("a", "int32", MaxLength: 0), new CdmAttribute("a", "int32"));
        Assert.NotEqual(new CdmAttribute("a", "boolean", IsNullable: false), new CdmAttribute("a", "boolean"));
    }

    private sealed record PlainAttribute(string Name, string DataType, int? MaxLength = null, int? Precision = null, int? Scale = null, bool? IsNullable = null, string? Description = null);
}
