# The emulator's serverless SQL endpoint executes CETAS end to end (issue 23): over TDS with SqlClient, the SELECT reads
# CSV from Azurite, the Parquet files land in Azurite through the data source's Managed Identity credential, the
# emulator's OPENROWSET reads them back, DROP EXTERNAL TABLE keeps them and a second CETAS into the same folder is refused.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    # Invoke-CISynapseEmulatorQuery uses the module's SqlClient, loaded once a cmdlet has run.
    Set-CISynapseStore -Location (Join-Path $TestDrive 'store')
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $script:Account = $Prepared.storageAccounts[0].name
    $script:Container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $Account -Container $Container
    $script:Lake = "$(Get-CISynapseTestBlobEndpoint $Stack $Account)/$Container"
    $headers = @{ Authorization = "Bearer $($Stack.Tokens.Storage)"; 'x-ms-version' = '2021-08-06'; 'x-ms-blob-type' = 'BlockBlob' }
    $csv = "Id,Name,Amount`n2,Bob,-0.5`n1,Ann,12.34`n"
    $null = Invoke-WebRequest -Uri "$Lake/CetasDb/_staging/r1/Typed/part-0.csv" -Method Put -Headers $headers -Body ([Text.Encoding]::UTF8.GetBytes($csv))

    function Invoke-Sql([string] $Query, [string] $Database = 'CetasDb') { Invoke-CISynapseEmulatorQuery -Stack $Stack -Database $Database -Query $Query }

    Invoke-Sql 'CREATE DATABASE [CetasDb];' 'master'
    Invoke-Sql "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'Cetas-Test-Passw0rd';"
    Invoke-Sql "CREATE DATABASE SCOPED CREDENTIAL [WorkspaceIdentity] WITH IDENTITY = N'Managed Identity';"
    Invoke-Sql "CREATE EXTERNAL DATA SOURCE [Lake] WITH (LOCATION = N'$Lake/CetasDb', CREDENTIAL = [WorkspaceIdentity]);"
    Invoke-Sql "IF NOT EXISTS (SELECT 1 FROM sys.external_file_formats WHERE name = N'CISynapseParquet') CREATE EXTERNAL FILE FORMAT [CISynapseParquet] WITH (FORMAT_TYPE = PARQUET, DATA_COMPRESSION = 'org.apache.hadoop.io.compress.SnappyCodec');"
    function Get-Cetas([string] $Table) {
        "CREATE EXTERNAL TABLE [dbo].[$Table] WITH (LOCATION = N'Typed/snap1/', DATA_SOURCE = [Lake], FILE_FORMAT = [CISynapseParquet]) AS " +
        "SELECT TRY_CONVERT(int, NULLIF([r].[Id], '')) AS [Id], [r].[Name] AS [Name], TRY_CONVERT(decimal(10,2), NULLIF([r].[Amount], '')) AS [Amount] " +
        "FROM OPENROWSET(BULK N'_staging/r1/Typed/**', DATA_SOURCE = N'Lake', FORMAT = 'CSV', PARSER_VERSION = '2.0', HEADER_ROW = TRUE) " +
        "WITH ([Id] varchar(8000), [Name] varchar(300), [Amount] varchar(8000)) AS [r];"
    }
    Invoke-Sql (Get-Cetas 'CISynapseConvert_Typed_r1')
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'CETAS on the emulator''s serverless SQL endpoint' {
    It 'writes one Parquet file into the folder under the data source' {
        $blobs = @(Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix 'CetasDb/Typed/snap1/')

        $blobs.Count | Should -Be 1
        $blobs[0].Name | Should -Match '^CetasDb/Typed/snap1/[0-9a-f-]{36}_1\.parquet$'
    }

    It 'reads the written rows back with their types through OPENROWSET' {
        $rows = @(Invoke-Sql "SELECT [Id], [Name], [Amount] FROM OPENROWSET(BULK N'Typed/snap1/', DATA_SOURCE = N'Lake', FORMAT = 'PARQUET') WITH ([Id] int, [Name] varchar(300), [Amount] decimal(10,2)) AS [r] ORDER BY [Id]")

        @($rows | ForEach-Object { $_.Id }) | Should -Be @(1, 2)
        @($rows | ForEach-Object { $_.Name }) | Should -Be @('Ann', 'Bob')
        @($rows | ForEach-Object { $_.Amount }) | Should -Be @([decimal]'12.34', [decimal]'-0.5')
        $rows[0].Amount | Should -BeOfType [decimal]
    }

    It 'lists the external table and file format in the catalog, and DROP EXTERNAL TABLE keeps the files' {
        $database = Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database 'CetasDb'
        $database.externalTables.name | Should -Be 'CISynapseConvert_Typed_r1'
        $database.externalFileFormats.formatType | Should -Be 'PARQUET'

        Invoke-Sql 'DROP EXTERNAL TABLE [dbo].[CISynapseConvert_Typed_r1];'

        $database = Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database 'CetasDb'
        @($database.externalTables) | Should -BeNullOrEmpty
        @(Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix 'CetasDb/Typed/snap1/').Count | Should -Be 1
    }

    It 'refuses a second CETAS into the same folder' {
        { Invoke-Sql (Get-Cetas 'CISynapseConvert_Typed_r2') } | Should -Throw '*External table location already exists*'
    }
}
