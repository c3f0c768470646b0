# Every value shape Customer Insights writes (issue 16, "Proof"): CDM folders with ISO datetimes (Z, offsets, 7
# fractional digits), True/False/true/false/1/0 booleans, "" empties, embedded quotes and newlines, a 5,000-character
# text, Unicode outside the BMP, nested partition folders, a partition named with a leading '_', a manifest partition
# with skipLines, decimals, guids and an entity without partitions are exported with -DeploymentMode Apply; every row
# is read back through the emulator's serverless SQL endpoint (Invoke-CISynapseEmulatorQuery) and compared exactly.
# Also: Parquet files with INT64/DOUBLE/UTF8 columns, and a 100,000-character text (TextValueTooLong).
# tests/CustomerInsightsSynapse.Core.Tests/Sql/LiveValueShapesTests.cs reads the same CSV values on a real workspace.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $sub = $Prepared.subscriptions[0].subscriptionId
    $rg = $Prepared.synapseWorkspaces[0].resourceGroup
    $account = $Prepared.storageAccounts[0].name
    $container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $account -Container $container
    Set-CISynapseStore -Location (Join-Path $TestDrive 'store')
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $sub -ResourceGroupName $rg `
        -WorkspaceName $Prepared.synapseWorkspaces[0].name -StorageAccountName $account -Container $container

    $script:Text5000 = -join (0..4999 | ForEach-Object { [char](97 + ($_ % 26)) })
    $script:Text100000 = -join (0..99999 | ForEach-Object { [char](65 + ($_ % 26)) })
    $script:OutsideBmp = "emoji $([char]::ConvertFromUtf32(0x1F600)) clef $([char]::ConvertFromUtf32(0x1D11E)) han $([char]::ConvertFromUtf32(0x2070E))"
    $script:ShapeAttributes = @(
        [ordered]@{ name = 'Id'; dataType = 'int32' }
        [ordered]@{ name = 'Label'; dataType = 'string' }
        [ordered]@{ name = 'Created'; dataType = 'dateTime' }
        [ordered]@{ name = 'Seen'; dataType = 'dateTimeOffset' }
        [ordered]@{ name = 'Flag'; dataType = 'boolean' }
        [ordered]@{ name = 'Amount'; dataType = 'decimal' }
        [ordered]@{ name = 'Key'; dataType = 'guid' }
        [ordered]@{ name = 'Note'; dataType = 'string' }
    )
    # Source text of each row per partition file, and the values the view must return for it (Created in UTC).
    $script:ShapeFiles = [ordered]@{
        'Shapes/2026/11/28/part.csv' = @(
            @{ Csv = @('1', 'plain', '2019-07-10T00:00:00Z', '2019-07-10T08:30:00.1234567+02:00', 'True', '12.34', '00000000-0000-4000-8000-000000000001', 'say "hi"')
                Expected = @(1, 'plain', '2019-07-10T00:00:00.0000000', '2019-07-10T08:30:00.1234567+02:00', $true, '12.34', '00000000-0000-4000-8000-000000000001', 'say "hi"') }
            @{ Csv = @('2', "multi`nline", '2019-07-10T08:30:00.1234567Z', '2019-07-10T00:00:00Z', 'False', '-0.000000000000000001', '00000000-0000-4000-8000-000000000002', "a,b`r`nc")
                Expected = @(2, "multi`nline", '2019-07-10T08:30:00.1234567', '2019-07-10T00:00:00.0000000+00:00', $false, '-0.000000000000000001', '00000000-0000-4000-8000-000000000002', "a,b`r`nc") }
        )
        'Shapes/_early.csv'          = @(
            @{ Csv = @('3', 'offset', '2026-11-28T23:59:59.9999999-05:00', '2026-11-28T23:59:59.9999999-05:00', 'true', '1234567890.123456789012345678', '00000000-0000-4000-8000-000000000003', 'C:\temp')
                Expected = @(3, 'offset', '2026-11-29T04:59:59.9999999', '2026-11-28T23:59:59.9999999-05:00', $true, '1234567890.123456789012345678', '00000000-0000-4000-8000-000000000003', 'C:\temp') }
            @{ Csv = @('4', '', '', '', '', '', '', '')
                Expected = @(4, '', $null, $null, $null, $null, $null, '') }
        )
        'Shapes/part.csv'            = @(
            @{ Csv = @('5', 'long', '2019-07-10T08:30:00', '2019-07-10T08:30:00+00:00', 'false', '0', '00000000-0000-4000-8000-000000000005', $Text5000)
                Expected = @(5, 'long', '2019-07-10T08:30:00.0000000', '2019-07-10T08:30:00.0000000+00:00', $false, '0', '00000000-0000-4000-8000-000000000005', $Text5000) }
            @{ Csv = @('6', $OutsideBmp, '2000-02-29T12:00:00.5+01:00', '2000-02-29T12:00:00.5+14:00', '1', '1.000', '00000000-0000-4000-8000-000000000006', $OutsideBmp)
                Expected = @(6, $OutsideBmp, '2000-02-29T11:00:00.5000000', '2000-02-29T12:00:00.5000000+14:00', $true, '1', '00000000-0000-4000-8000-000000000006', $OutsideBmp) }
            @{ Csv = @('7', 'zero', '1900-01-01T00:00:00Z', '9999-12-31T23:59:59.9999999Z', '0', '1.5', '00000000-0000-4000-8000-000000000007', '"quoted"')
                Expected = @(7, 'zero', '1900-01-01T00:00:00.0000000', '9999-12-31T23:59:59.9999999+00:00', $false, '1.5', '00000000-0000-4000-8000-000000000007', '"quoted"') }
        )
    }

    # Every field quoted (CsvStyle.QuoteAlways), so "" is an empty string as Customer Insights writes it.
    function ConvertTo-QuotedCsvLine([object[]] $Values) {
        ($Values | ForEach-Object { '"' + ([string]$_).Replace('"', '""') + '"' }) -join ','
    }

    function Write-Utf8File([string] $Path, [string] $Text) {
        $null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $Path)
        [System.IO.File]::WriteAllText($Path, $Text, [System.Text.UTF8Encoding]::new($false))
    }

    function New-CsvPartition([string] $Name, [string] $Location) {
        [ordered]@{ name = $Name; location = $Location; fileFormatSettings = [ordered]@{ '$type' = 'CsvFormatSettings'; columnHeaders = $false; delimiter = ','; quoteStyle = 'QuoteStyle.Csv'; csvStyle = 'CsvStyle.QuoteAlways'; encoding = 'UTF-8' } }
    }

    function Write-ModelJson([string] $Folder, [object[]] $Entities) {
        [ordered]@{ name = 'CustomerInsights'; version = '1.0'; entities = @($Entities) } | ConvertTo-Json -Depth 10 |
            Set-Content -LiteralPath (Join-Path $Folder 'model.json') -Encoding utf8NoBOM
    }


    # The model.json folder: Shapes over nested, '_'-named and plain partitions; Empty without partitions.
    $script:ShapesFolder = Join-Path $TestDrive 'shapes'
    $partitions = foreach ($location in $ShapeFiles.Keys) {
        Write-Utf8File (Join-Path $ShapesFolder $location) ((($ShapeFiles[$location] | ForEach-Object { ConvertTo-QuotedCsvLine $_.Csv }) -join "`r`n") + "`r`n")
        New-CsvPartition -Name ($location -replace '[/.]', '-') -Location $location
    }
    Write-ModelJson $ShapesFolder @(
        [ordered]@{ '$type' = 'LocalEntity'; name = 'Shapes'; attributes = $ShapeAttributes; partitions = @($partitions) }
        [ordered]@{ '$type' = 'LocalEntity'; name = 'Empty'; attributes = $ShapeAttributes; partitions = @() }
    )
    $null = New-CISynapseExport -Name 'shapes' -DisplayName 'Value shapes' -Connection 'lake' -Source $ShapesFolder -DatabaseName 'ShapesDb' `
        -Entity 'Shapes', 'Empty' -DeploymentMode Apply
    $script:ShapesRun = Invoke-CISynapseExport -Name 'shapes' -Confirm:$false -WarningAction SilentlyContinue

    # The manifest folder: one partition with two lines before its header row (skipLines = 2, columnHeaders = true).
    $script:ManifestFolder = Join-Path $TestDrive 'manifest'
    Write-Utf8File (Join-Path $ManifestFolder 'Skipped/export.csv') ("exported by a tool`r`n""second, preamble line""`r`nCode,Name`r`nA1,first`r`nB2,""second, quoted""`r`n")
    Write-Utf8File (Join-Path $ManifestFolder 'Skipped.cdm.json') (@{
            jsonSchemaSemanticVersion = '1.0.0'
            definitions               = @(@{ entityName = 'Skipped'; hasAttributes = @(@{ name = 'Code'; dataFormat = 'String' }, @{ name = 'Name'; dataFormat = 'String' }) })
        } | ConvertTo-Json -Depth 10)
    Write-Utf8File (Join-Path $ManifestFolder 'default.manifest.cdm.json') (@{
            manifestName = 'default'; jsonSchemaSemanticVersion = '1.0.0'
            entities     = @(@{
                    type = 'LocalEntity'; entityName = 'Skipped'; entityPath = 'Skipped.cdm.json/Skipped'
                    dataPartitions = @(@{ name = 'export'; location = 'Skipped/export.csv'; exhibitsTraits = @(@{ traitReference = 'is.partition.format.CSV'
                                arguments = @(@{ name = 'columnHeaders'; value = 'true' }, @{ name = 'delimiter'; value = ',' }, @{ name = 'skipLines'; value = '2' }) }) })
                })
        } | ConvertTo-Json -Depth 10)
    $null = New-CISynapseExport -Name 'manifest' -DisplayName 'skipLines' -Connection 'lake' -Source $ManifestFolder -DatabaseName 'SkipDb' `
        -Entity 'Skipped' -DeploymentMode Apply
    $script:ManifestRun = Invoke-CISynapseExport -Name 'manifest' -Confirm:$false -WarningAction SilentlyContinue

    # One comparable text per value, exact to the 100-nanosecond tick and the offset.
    function ConvertTo-Comparable($Value) {
        switch ($Value) {
            { $null -eq $_ -or $_ -is [System.DBNull] } { return '<null>' }
            { $_ -is [bool] } { return "bool:$_" }
            { $_ -is [datetimeoffset] } { return $_.ToString('yyyy-MM-ddTHH:mm:ss.fffffffzzz', [cultureinfo]::InvariantCulture) }
            { $_ -is [datetime] } { return $_.ToString('yyyy-MM-ddTHH:mm:ss.fffffff', [cultureinfo]::InvariantCulture) }
            { $_ -is [decimal] } { return 'decimal:' + $_.ToString('0.############################', [cultureinfo]::InvariantCulture) }
            { $_ -is [guid] } { return "guid:$_" }
            { $_ -is [int] } { return "int:$_" }
            default { return "text:$_" }
        }
    }

    function ConvertTo-ExpectedComparable([string] $Column, $Value) {
        if ($null -eq $Value) { return '<null>' }
        switch ($Column) {
            'Id' { "int:$Value" }
            'Flag' { "bool:$Value" }
            'Amount' { 'decimal:' + ([decimal]::Parse($Value, [cultureinfo]::InvariantCulture)).ToString('0.############################', [cultureinfo]::InvariantCulture) }
            'Key' { "guid:$Value" }
            { $_ -in 'Created', 'Seen' } { $Value }
            default { "text:$Value" }
        }
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Every value shape reads back exactly through the serverless SQL endpoint' {
    It 'exported both folders and applied their views' {
        $ShapesRun.Status | Should -Be 'Succeeded'
        $ShapesRun.SqlApplied | Should -BeTrue
        $ManifestRun.Status | Should -Be 'Succeeded'
        $ManifestRun.SqlApplied | Should -BeTrue
    }

    It 'reads every row of the nested, the _-named and the plain partition' {
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ShapesDb' -Query 'SELECT COUNT(*) AS n FROM [dbo].[Shapes]').n | Should -Be 7
        $ids = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ShapesDb' -Query 'SELECT Id FROM [dbo].[Shapes] ORDER BY Id' | ForEach-Object Id)
        $ids | Should -Be @(1, 2, 3, 4, 5, 6, 7)
    }

    It 'reads back row <Id>, every column exact and typed' -ForEach @(1..7 | ForEach-Object { @{ Id = $_ } }) {
        $source = $ShapeFiles.Values | ForEach-Object { $_ } | Where-Object { $_.Expected[0] -eq $Id }
        $columns = @($ShapeAttributes.name)

        $row = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ShapesDb' -Query "SELECT * FROM [dbo].[Shapes] WHERE Id = $Id")

        $row.Count | Should -Be 1
        $actual = @($columns | ForEach-Object { "$_=$(ConvertTo-Comparable $row[0].$_)" })
        $expected = @(for ($i = 0; $i -lt $columns.Count; $i++) { "$($columns[$i])=$(ConvertTo-ExpectedComparable $columns[$i] $source.Expected[$i])" })
        $actual | Should -Be $expected
    }

    It 'keeps the 5,000-character text and the characters outside the BMP whole' {
        $rows = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ShapesDb' -Query 'SELECT Id, Note FROM [dbo].[Shapes] WHERE Id >= 5 AND Id <= 6 ORDER BY Id')
        $rows[0].Note.Length | Should -Be 5000
        $rows[0].Note | Should -BeExactly $Text5000
        $rows[1].Note | Should -BeExactly $OutsideBmp
    }

    It 'returns zero typed rows for the entity without partitions' {
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ShapesDb' -Query 'SELECT COUNT(*) AS n FROM [dbo].[Empty]').n | Should -Be 0
        @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ShapesDb' -Query 'SELECT * FROM [dbo].[Empty]') | Should -BeNullOrEmpty
    }

    # Parquet columns are declared with the types the files' footers give; ViewParquetTypes.Tests.ps1 covers CDM types
    # that differ from the files' (int32 over INT64, decimal over DOUBLE, guid over UTF8) and the incompatible ones.
    It 'reads Parquet INT64, DOUBLE and UTF8 columns back exactly' {
        $folder = Join-Path $TestDrive 'parquet'
        $columns = @(@{ Name = 'Count'; Type = [long] }, @{ Name = 'Ratio'; Type = [double] }, @{ Name = 'Name'; Type = [string] })
        $rows = @(
            @{ Count = [long]9007199254740993; Ratio = [double]0.1; Name = $OutsideBmp }
            @{ Count = [long]-1; Ratio = [double]-2.5E-300; Name = $null }
        )
        Write-CISynapseTestParquetFile (Join-Path $folder 'Measures/2026/11/28/part.parquet') $columns $rows
        $typed = @([ordered]@{ name = 'Count'; dataType = 'int64' }, [ordered]@{ name = 'Ratio'; dataType = 'double' }, [ordered]@{ name = 'Name'; dataType = 'string' })
        Write-ModelJson $folder @(
            [ordered]@{ '$type' = 'LocalEntity'; name = 'Measures'; attributes = $typed; partitions = @([ordered]@{ name = 'measures'; location = 'Measures/2026/11/28/part.parquet' }) }
        )
        $null = New-CISynapseExport -Name 'parquet' -DisplayName 'Parquet' -Connection 'lake' -Source $folder -DatabaseName 'ParquetDb' `
            -Entity 'Measures' -DeploymentMode Apply

        $run = Invoke-CISynapseExport -Name 'parquet' -Confirm:$false -WarningAction SilentlyContinue

        ($run.Entities | Where-Object Entity -EQ 'Measures').Action | Should -Be 'Landed'
        $read = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ParquetDb' -Query 'SELECT [Count], [Ratio], [Name] FROM [dbo].[Measures] ORDER BY [Count]')
        $read.Count | Should -Be 2
        $read[0].Count | Should -BeOfType [long]
        $read[0].Count | Should -Be -1
        $read[0].Ratio | Should -Be ([double]-2.5E-300)
        $read[0].Name | Should -BeNullOrEmpty
        $read[1].Count | Should -Be 9007199254740993
        $read[1].Ratio | Should -Be ([double]0.1)
        $read[1].Name | Should -BeExactly $OutsideBmp
    }

    # A value over 8000 UTF-8 bytes would fail every query of a parser 2.0 view ("Max errors count reached"), so landing
    # fails that entity with TextValueTooLong before its view moves; the other entities of the run go on.
    It 'fails the entity with a 100,000-character text (TextValueTooLong) while the other entity''s view moves' {
        $folder = Join-Path $TestDrive 'long'
        $attributes = @([ordered]@{ name = 'Id'; dataType = 'int32' }, [ordered]@{ name = 'Body'; dataType = 'string' })
        Write-Utf8File (Join-Path $folder 'LongText/part.csv') ((ConvertTo-QuotedCsvLine @('1', $Text100000)) + "`r`n")
        Write-Utf8File (Join-Path $folder 'Companion/part.csv') ((ConvertTo-QuotedCsvLine @('1', 'beside the long one')) + "`r`n")
        Write-ModelJson $folder @(
            [ordered]@{ '$type' = 'LocalEntity'; name = 'LongText'; attributes = $attributes; partitions = @(New-CsvPartition -Name 'long' -Location 'LongText/part.csv') }
            [ordered]@{ '$type' = 'LocalEntity'; name = 'Companion'; attributes = $attributes; partitions = @(New-CsvPartition -Name 'companion' -Location 'Companion/part.csv') }
        )
        $null = New-CISynapseExport -Name 'long' -DisplayName 'Long text' -Connection 'lake' -Source $folder -DatabaseName 'LongDb' `
            -Entity 'LongText', 'Companion' -DeploymentMode Apply

        $failure = $null
        $run = Invoke-CISynapseExport -Name 'long' -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable failure

        $run.Status | Should -Be 'PartiallySucceeded'
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'ExportRunPartiallySucceeded,*'
        ($run.Entities | Where-Object Entity -EQ 'LongText').Action | Should -Be 'Failed'
        ($run.Entities | Where-Object Entity -EQ 'LongText').ErrorId | Should -Be 'TextValueTooLong'
        ($run.Entities | Where-Object Entity -EQ 'Companion').Action | Should -Be 'Landed'
        $companion = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'LongDb' -Query 'SELECT Id, Body FROM [dbo].[Companion]')
        @($companion | ForEach-Object { "$($_.Id)|$($_.Body)" }) | Should -Be @('1|beside the long one')
        { Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'LongDb' -Query 'SELECT COUNT(*) AS n FROM [dbo].[LongText]' } | Should -Throw -Because 'the failed entity gets no view'
    }

    It 'skips the manifest partition''s skipLines and reads its header by name' {
        $rows = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'SkipDb' -Query 'SELECT Code, Name FROM [dbo].[Skipped] ORDER BY Code')
        @($rows | ForEach-Object { "$($_.Code)|$($_.Name)" }) | Should -Be @('A1|first', 'B2|second, quoted')
    }
}
