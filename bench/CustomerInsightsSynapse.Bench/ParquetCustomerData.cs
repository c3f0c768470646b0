using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// A generated entity of Customer Insights shape (a unified customer profile): a GUID id, names, email, phone,
/// city, dates, a decimal, a count and a boolean, some values empty. Same seed, same bytes.
/// </summary>
internal static class ParquetCustomerData
{
    /// <summary>The numeric column the one-column aggregate reads (SUM(LifetimeValue)).</summary>
    public const string AggregatedColumn = "LifetimeValue";

    private static readonly string[] FirstNames = ["Ava", "Liam", "Olivia", "Noah", "Emma", "Lucas", "Mia", "Mateo", "Sofia", "Elijah", "Amelia", "Hugo", "Chloé", "Jonas", "Zoë", "Aarav", "Yuki", "Fatima", "Sean", "Ingrid", "Kwame", "Léa", "Diego", "Hannah"];

    private static readonly string[] LastNames = ["Smith", "García", "Müller", "Nguyen", "O'Brien", "Johansson", "Kowalski", "Rossi", "Dubois", "Tanaka", "Okafor", "Silva", "Jensen", "Novak", "Patel", "Cohen", "Martin", "Brown", "Fischer", "Kim"];

    private static readonly string[] Domains = ["contoso.com", "fabrikam.net", "example.org", "outlook.com", "mail.example", "adatum.de"];

    private static readonly string[] Cities = ["Seattle", "London", "Berlin", "Paris", "Madrid", "Washington, D.C.", "Tokyo", "São Paulo", "Toronto", "Sydney", "Mumbai", "Lagos", "Oslo", "Dublin"];

    private static readonly string[] Countries = ["US", "GB", "DE", "FR", "ES", "US", "JP", "BR", "CA", "AU", "IN", "NG", "NO", "IE"];

    /// <summary>Half the customers Bronze, fewer in each tier above.</summary>
    private static readonly string[] TierByTenth = ["Bronze", "Bronze", "Bronze", "Bronze", "Bronze", "Silver", "Silver", "Silver", "Gold", "Platinum"];

    public static IReadOnlyList<CdmAttribute> Attributes { get; } =
    [
        new("CustomerId", "string"),
        new("FirstName", "string"),
        new("LastName", "string"),
        new("Email", "string"),
        new("Phone", "string"),
        new("City", "string"),
        new("CountryCode", "string"),
        new("BirthDate", "date"),
        new("CreatedOn", "dateTime"),
        new("LastPurchase", "dateTimeOffset"),
        new(AggregatedColumn, "decimal", Precision: 18, Scale: 2),
        new("OrderCount", "int64"),
        new("IsActive", "boolean"),
        new("LoyaltyTier", "string"),
    ];

    /// <summary>Writes <paramref name="partitions"/> CSV files (no header, UTF-8) of about <paramref name="totalBytes"/> in all.</summary>
    public static CdmEntity Write(string folder, string entityName, long totalBytes, int partitions, int seed)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var list = new List<CdmPartition>();
        var perPartition = totalBytes / partitions;
        for (var p = 0; p < partitions; p++)
        {
            var path = Path.Combine(folder, $"part-{p:D5}.csv");
            using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
            {
                for (long written = 0; written < perPartition;)
                {
                    var line = Row(random);
                    writer.Write(line);
                    writer.Write('\n');
                    written += Encoding.UTF8.GetByteCount(line) + 1;
                }
            }

            list.Add(new CdmPartition(Path.GetFullPath(path), PartitionFormat.Csv, CsvFormat.Default) { LocalFolder = Path.GetFullPath(folder) });
        }

        return new CdmEntity(entityName, Attributes, list);
    }

    private static string Row(Random r)
    {
        var ci = CultureInfo.InvariantCulture;
        Span<byte> id = stackalloc byte[16];
        r.NextBytes(id);
        var customerId = new Guid(id);
        var first = FirstNames[r.Next(FirstNames.Length)];
        var last = LastNames[r.Next(LastNames.Length)];
        var place = r.Next(Cities.Length);
        var city = Cities[place].Contains(',', StringComparison.Ordinal) ? "\"" + Cities[place] + "\"" : Cities[place];
        var created = new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(r.NextInt64(10L * 365 * 86400));
        var purchase = created.AddMinutes(r.Next(1, 2 * 365 * 1440));
        var offset = TimeSpan.FromHours(r.Next(-8, 10));
        var phone = r.Next(10) == 0 ? string.Empty : $"+{r.Next(1, 99)} {r.Next(100, 999)} {r.Next(1000000, 9999999)}";
        var purchaseText = r.Next(8) == 0 ? string.Empty : new DateTimeOffset(purchase.Ticks, TimeSpan.Zero).ToOffset(offset).ToString("yyyy-MM-ddTHH:mm:sszzz", ci);
        return string.Create(
            ci,
            $"{customerId},{first},{last},{first.ToLowerInvariant()}.{last.ToLowerInvariant()}{r.Next(1000)}@{Domains[r.Next(Domains.Length)]},{phone},{city},{Countries[place]},{new DateOnly(1940, 1, 1).AddDays(r.Next(66 * 365)):yyyy-MM-dd},{created:yyyy-MM-ddTHH:mm:ss.fffZ},{purchaseText},{r.Next(0, 2_000_000) / 100m:0.00},{r.Next(0, 250)},{(r.Next(4) == 0 ? "False" : "True")},{TierByTenth[r.Next(10)]}");
    }
}
