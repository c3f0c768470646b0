# Generates Customer Insights-like CDM folders (model.json + CSV partitions) for the Pester scenarios, bench and demo.

$script:Schemas = [ordered]@{
    Customer         = @(
        @{ name = 'CustomerId'; dataType = 'string' }
        @{ name = 'FirstName'; dataType = 'string' }
        @{ name = 'LastName'; dataType = 'string' }
        @{ name = 'Email'; dataType = 'string' }
        @{ name = 'BirthDate'; dataType = 'date' }
        @{ name = 'LifetimeValue'; dataType = 'decimal' }
        @{ name = 'IsActive'; dataType = 'boolean' }
        @{ name = 'LastModified'; dataType = 'dateTime' }
    )
    UnifiedActivity  = @(
        @{ name = 'ActivityId'; dataType = 'guid' }
        @{ name = 'CustomerId'; dataType = 'string' }
        @{ name = 'ActivityType'; dataType = 'string' }
        @{ name = 'ActivityTime'; dataType = 'dateTimeOffset' }
        @{ name = 'Amount'; dataType = 'double' }
    )
    CustomerMeasures = @(
        @{ name = 'CustomerId'; dataType = 'string' }
        @{ name = 'TotalSpend'; dataType = 'decimal' }
        @{ name = 'OrderCount'; dataType = 'int64' }
        @{ name = 'Churned'; dataType = 'boolean' }
    )
    Segments         = @(
        @{ name = 'SegmentId'; dataType = 'int32' }
        @{ name = 'CustomerId'; dataType = 'string' }
        @{ name = 'SegmentName'; dataType = 'string' }
    )
}

function Get-CISynapseTestEntityName {
    <# The entity names New-CISynapseTestCdmFolder can generate. #>
    $script:Schemas.Keys
}

function New-CISynapseTestRow {
    param([string] $Entity, [int] $Index, [int] $Seed)
    $customer = 'C{0:D6}' -f ($Index % 100000)
    $day = [datetime]::new(2024, 1, 1).AddDays(($Index * 7 + $Seed) % 700)
    switch ($Entity) {
        'Customer' { @($customer, "First$Index", "Last$Index", "user$Index@contoso.example", $day.ToString('yyyy-MM-dd'), ('{0}.{1:D2}' -f ($Index * 13 % 9000), $Index % 100), $(if ($Index % 3) { 'true' } else { 'false' }), $day.AddHours($Seed % 24).ToString('yyyy-MM-ddTHH:mm:ss')) }
        'UnifiedActivity' { @(([guid]::new(('{0:x8}-0000-4000-8000-{1:x12}' -f $Seed, $Index))).ToString(), $customer, $(if ($Index % 2) { 'Purchase' } else { 'Visit, web' }), $day.ToString('yyyy-MM-ddTHH:mm:sszzz'), ('{0}.5' -f ($Index % 500))) }
        'CustomerMeasures' { @($customer, ('{0}.25' -f ($Index * 7 % 10000)), ($Index % 40), $(if ($Index % 5) { 'false' } else { 'true' })) }
        'Segments' { @(($Index % 12), $customer, "Segment ""$($Index % 12)""") }
    }
}

function ConvertTo-CsvLine {
    param([object[]] $Values)
    ($Values | ForEach-Object {
        $text = [string]$_
        if ($text -match '[",\r\n]') { '"' + $text.Replace('"', '""') + '"' } else { $text }
    }) -join ','
}

function New-CISynapseTestCdmFolder {
    <#
    .SYNOPSIS
        Writes a Customer Insights-like CDM folder: model.json and one or more CSV partitions per entity.
    .PARAMETER Rows
        Rows per entity, e.g. @{ Customer = 100; UnifiedActivity = 500 }. Entities not named are not written.
    .PARAMETER PartitionsPerEntity
        How many CSV files each entity is split into.
    .PARAMETER Seed
        Changes the data (same seed, same bytes), so a test can make an entity "change" between runs.
    .PARAMETER EntityCount
        Writes this many entities instead, named Entity001, Entity002, …: each clones one of the known schemas in
        turn (Customer, UnifiedActivity, CustomerMeasures, Segments) with RowsPerEntity rows.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Named')]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory, ParameterSetName = 'Named')] [hashtable] $Rows,
        [Parameter(Mandatory, ParameterSetName = 'Count')] [ValidateRange(1, 10000)] [int] $EntityCount,
        [Parameter(ParameterSetName = 'Count')] [int] $RowsPerEntity = 5,
        [int] $PartitionsPerEntity = 1,
        [int] $Seed = 1,
        [switch] $Header
    )
    $null = New-Item -ItemType Directory -Force -Path $Path
    $schemaNames = @($script:Schemas.Keys)
    $plan = if ($PSCmdlet.ParameterSetName -eq 'Count') {
        foreach ($i in 1..$EntityCount) { [pscustomobject]@{ Name = 'Entity{0:D3}' -f $i; Schema = $schemaNames[($i - 1) % $schemaNames.Count]; Count = $RowsPerEntity } }
    }
    else {
        foreach ($schemaName in $schemaNames) { if ($Rows.ContainsKey($schemaName)) { [pscustomobject]@{ Name = $schemaName; Schema = $schemaName; Count = [int]$Rows[$schemaName] } } }
    }
    $entities = foreach ($entry in $plan) {
        $name = $entry.Name
        $schema = $entry.Schema
        $folder = Join-Path $Path $name
        $null = New-Item -ItemType Directory -Force -Path $folder
        $count = $entry.Count
        $partitions = foreach ($p in 0..($PartitionsPerEntity - 1)) {
            $file = Join-Path $folder ('part-{0:D5}.csv' -f $p)
            $lines = [System.Collections.Generic.List[string]]::new()
            if ($Header) { $lines.Add((ConvertTo-CsvLine ($script:Schemas[$schema] | ForEach-Object { $_.name }))) }
            for ($i = $p; $i -lt $count; $i += $PartitionsPerEntity) { $lines.Add((ConvertTo-CsvLine (New-CISynapseTestRow -Entity $schema -Index $i -Seed $Seed))) }
            [System.IO.File]::WriteAllText($file, (($lines -join "`n") + "`n"), [System.Text.UTF8Encoding]::new($false))
            [ordered]@{ name = ('{0}-part-{1:D5}' -f $name, $p); location = "$name/part-$('{0:D5}' -f $p).csv"; fileFormatSettings = [ordered]@{ '$type' = 'CsvFormatSettings'; columnHeaders = [bool]$Header; delimiter = ','; quoteStyle = 'QuoteStyle.Csv'; csvStyle = 'CsvStyle.QuoteAlways'; encoding = 'UTF-8' } }
        }
        [ordered]@{ '$type' = 'LocalEntity'; name = $name; description = "Customer Insights $name"; attributes = @($script:Schemas[$schema]); partitions = @($partitions) }
    }
    $model = [ordered]@{ name = 'CustomerInsights'; version = '1.0'; entities = @($entities) }
    $model | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path $Path 'model.json') -Encoding utf8NoBOM
    Get-Item -LiteralPath $Path
}

function Get-CISynapseTestBlobEndpoint {
    <# The Azurite blob endpoint of a storage account of the stack's scenario. #>
    param([Parameter(Mandatory)] [object] $Stack, [Parameter(Mandatory)] [string] $Account)
    ($Stack.AzuriteBlobUrl -replace '/[^/]+$', '') + "/$Account"
}

function Invoke-CISynapseTestBlobRequest {
    <# One Blob REST call to the stack's Azurite with the stack's storage token. #>
    param([Parameter(Mandatory)] [object] $Stack, [Parameter(Mandatory)] [string] $Uri, [string] $Method = 'Get', [switch] $Raw, [hashtable] $Headers = @{})
    $headers = @{ Authorization = "Bearer $($Stack.Tokens.Storage)"; 'x-ms-version' = '2021-08-06' } + $Headers
    if ($Raw) { return Invoke-WebRequest -Uri $Uri -Method $Method -Headers $headers -SkipHttpErrorCheck }
    Invoke-RestMethod -Uri $Uri -Method $Method -Headers $headers
}

function New-CISynapseTestBlobContainer {
    <#
    Creates a container in the stack's Azurite (the emulator only describes containers; Azurite holds the data).
    -AnonymousBlobRead lets anyone read its blobs: Azurite's Put Block From URL reads its source without the
    x-ms-copy-source-authorization bearer token the module sends (and Azure honours), so a lake source the module
    copies in ranges (or asks for a byte order mark) must be readable without it there.
    #>
    param([Parameter(Mandatory)] [object] $Stack, [Parameter(Mandatory)] [string] $Account, [Parameter(Mandatory)] [string] $Container, [switch] $AnonymousBlobRead)
    $access = if ($AnonymousBlobRead) { @{ 'x-ms-blob-public-access' = 'blob' } } else { @{} }
    $response = Invoke-CISynapseTestBlobRequest -Stack $Stack -Uri "$(Get-CISynapseTestBlobEndpoint $Stack $Account)/$($Container)?restype=container" -Method Put -Raw -Headers $access
    if ($response.StatusCode -notin 201, 409) { throw "Creating container $Container failed: $($response.StatusCode) $($response.Content)" }
}

function Get-CISynapseTestBlob {
    <# Every blob under a prefix of a container of the stack's Azurite: Name, ETag, Length. #>
    param([Parameter(Mandatory)] [object] $Stack, [Parameter(Mandatory)] [string] $Account, [Parameter(Mandatory)] [string] $Container, [string] $Prefix = '')
    $uri = "$(Get-CISynapseTestBlobEndpoint $Stack $Account)/$($Container)?restype=container&comp=list&prefix=$([uri]::EscapeDataString($Prefix))"
    $response = Invoke-CISynapseTestBlobRequest -Stack $Stack -Uri $uri -Raw
    $xml = [xml]($response.Content.TrimStart([char]0xFEFF))
    foreach ($blob in $xml.EnumerationResults.Blobs.Blob) {
        [pscustomobject]@{ Name = $blob.Name; ETag = $blob.Properties.Etag; Length = [long]$blob.Properties.'Content-Length' }
    }
}

function Get-CISynapseTestBlobContent {
    <# The bytes of one blob of the stack's Azurite. #>
    param([Parameter(Mandatory)] [object] $Stack, [Parameter(Mandatory)] [string] $Account, [Parameter(Mandatory)] [string] $Container, [Parameter(Mandatory)] [string] $Name)
    $path = ($Name.Split('/') | ForEach-Object { [uri]::EscapeDataString($_) }) -join '/'
    $response = Invoke-CISynapseTestBlobRequest -Stack $Stack -Uri "$(Get-CISynapseTestBlobEndpoint $Stack $Account)/$Container/$path" -Raw
    if ($response.StatusCode -ne 200) { throw "Reading $Name failed: $($response.StatusCode)" }
    $response.RawContentStream.ToArray()
}

$script:ParquetContext = $null

function Write-CISynapseTestParquetFile {
    <#
    A Parquet file written with the emulator's Parquet.Net (the module's tests load it into a load context of their
    own): each column gets the physical type of its .NET type (long: INT64, double: DOUBLE, string: BYTE_ARRAY UTF8).
    Columns are @{ Name; Type }, rows are hashtables of column name to value.
    #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [object[]] $Columns, [Parameter(Mandatory)] [hashtable[]] $Rows)
    $folder = Get-ChildItem -Path (Join-Path $PSScriptRoot '../AzureEmulator/bin/*/net10.0/Parquet.dll') |
        Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1 | ForEach-Object DirectoryName
    if (-not $script:ParquetContext) {
        $script:ParquetContext = [System.Runtime.Loader.AssemblyLoadContext]::new('cisynapse-test-parquet')
        $script:ParquetContext.add_Resolving({
                param($context, $name)
                $candidate = Join-Path $folder "$($name.Name).dll"
                if (Test-Path -LiteralPath $candidate) { $context.LoadFromAssemblyPath($candidate) } else { $null }
            }.GetNewClosure())
    }
    $parquet = $script:ParquetContext.LoadFromAssemblyPath((Join-Path $folder 'Parquet.dll'))
    $fields = [System.Array]::CreateInstance($parquet.GetType('Parquet.Schema.Field'), $Columns.Count)
    for ($i = 0; $i -lt $Columns.Count; $i++) {
        $fields[$i] = [Activator]::CreateInstance($parquet.GetType('Parquet.Schema.DataField'), @($Columns[$i].Name, $Columns[$i].Type, $true, $false, $null))
    }
    $schema = [Activator]::CreateInstance($parquet.GetType('Parquet.Schema.ParquetSchema'), @(, $fields))
    $records = [System.Collections.Generic.List[System.Collections.Generic.IDictionary[string, object]]]::new()
    foreach ($row in $Rows) {
        $record = [System.Collections.Generic.Dictionary[string, object]]::new()
        foreach ($key in $row.Keys) { $record[$key] = $row[$key] }
        $records.Add($record)
    }
    $null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $Path)
    $stream = [System.IO.File]::Create($Path)
    try {
        $parquet.GetType('Parquet.Serialization.ParquetSerializer').GetMethod('SerializeUntypedAsync').Invoke(
            $null, @($records, $schema, $stream, $null, $null, [System.Threading.CancellationToken]::None)).GetAwaiter().GetResult()
    }
    finally { $stream.Dispose() }
}

Export-ModuleMember -Function New-CISynapseTestCdmFolder, Get-CISynapseTestEntityName, Get-CISynapseTestBlobEndpoint, Invoke-CISynapseTestBlobRequest,
    New-CISynapseTestBlobContainer, Get-CISynapseTestBlob, Get-CISynapseTestBlobContent, Write-CISynapseTestParquetFile
