# Landing as typed Parquet (issue 23, local sources): the same CDM folder exported twice, once as CSV and once with
# -LandAs Parquet, into two databases; the Parquet views return exactly the rows of the CSV views through the
# emulator's serverless SQL endpoint. An unchanged source is not converted again; a value that does not convert
# fails its entity with ParquetValueNotConverted, or with -InvalidValue Null lands as NULL and is counted.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/ParquetShapes.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $sub = $Prepared.subscriptions[0].subscriptionId
    $rg = $Prepared.synapseWorkspaces[0].resourceGroup
    $account = $Prepared.storageAccounts[0].name
    $container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $account -Container $container
    $script:StoreFolder = Join-Path $TestDrive 'store'
    Set-CISynapseStore -Location $StoreFolder
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $sub -ResourceGroupName $rg `
        -WorkspaceName $Prepared.synapseWorkspaces[0].name -StorageAccountName $account -Container $container

    $script:Columns = Get-CISynapseTestShapeColumns
    $attributes = Get-CISynapseTestShapeAttributes
    $files = Get-CISynapseTestShapeFiles

    function Write-Utf8File([string] $Path, [string] $Text) {
        $null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $Path)
        [System.IO.File]::WriteAllText($Path, $Text, [System.Text.UTF8Encoding]::new($false))
    }

    function Write-CdmFolder([string] $Folder, [System.Collections.IDictionary] $Files, [string] $Entity, [object[]] $Attributes) {
        $partitions = foreach ($location in $Files.Keys) {
            Write-Utf8File (Join-Path $Folder $location) ((($Files[$location] | ForEach-Object { ConvertTo-CISynapseTestQuotedCsvLine $_ }) -join "`r`n") + "`r`n")
            [ordered]@{ name = ($location -replace '[/.]', '-'); location = $location; fileFormatSettings = [ordered]@{ '$type' = 'CsvFormatSettings'; columnHeaders = $false; delimiter = ','; quoteStyle = 'QuoteStyle.Csv'; csvStyle = 'CsvStyle.QuoteAlways'; encoding = 'UTF-8' } }
        }
        [ordered]@{ name = 'CustomerInsights'; version = '1.0'; entities = @([ordered]@{ '$type' = 'LocalEntity'; name = $Entity; attributes = $Attributes; partitions = @($partitions) }) } |
            ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path $Folder 'model.json') -Encoding utf8NoBOM
    }

    function Get-ViewRows([string] $Database) {
        @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database $Database -Query 'SELECT * FROM [dbo].[Shapes] ORDER BY Id' | ForEach-Object {
                $row = $_
                ($Columns | ForEach-Object { "$_=$(ConvertTo-CISynapseTestComparable $row.$_)" }) -join '|'
            })
    }

    $script:ShapesFolder = Join-Path $TestDrive 'shapes'
    Write-CdmFolder $ShapesFolder $files 'Shapes' $attributes
    $null = New-CISynapseExport -Name 'csv' -Connection 'lake' -Source $ShapesFolder -DatabaseName 'CsvShapes' -Entity 'Shapes'
    $null = New-CISynapseExport -Name 'parquet' -Connection 'lake' -Source $ShapesFolder -DatabaseName 'ParquetShapes' -Entity 'Shapes' -LandAs Parquet
    $script:CsvRun = Invoke-CISynapseExport -Name 'csv' -Confirm:$false -WarningAction SilentlyContinue
    $script:ParquetRun = Invoke-CISynapseExport -Name 'parquet' -Confirm:$false -WarningAction SilentlyContinue
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'An export with -LandAs Parquet from a local folder' {
    It 'stores the setting and shows it' {
        $parquet = Get-CISynapseExport -Name 'parquet'
        $parquet.LandAs | Should -Be 'Parquet'
        $parquet.InvalidValue | Should -Be 'Fail'
        (Get-CISynapseExport -Name 'csv').LandAs | Should -Be 'Csv'
    }

    It 'lands every partition and applies a view over Parquet' {
        $CsvRun.Status | Should -Be 'Succeeded'
        $ParquetRun.Status | Should -Be 'Succeeded'
        $ParquetRun.SqlApplied | Should -BeTrue
        ($ParquetRun.Entities | Where-Object Entity -EQ 'Shapes').Files | Should -Be 3
        $sql = Get-CISynapseEmulatorSqlBatch -Stack $Stack -Database 'ParquetShapes' | Where-Object { $_.text -match 'CREATE OR ALTER VIEW' -and $_.text -match "FORMAT = 'PARQUET'" -and $_.outcome -eq 'ok' }
        $sql | Should -Not -BeNullOrEmpty
    }

    It 'returns through the Parquet view exactly the rows of the CSV view, every column typed alike' {
        $csvRows = Get-ViewRows 'CsvShapes'
        $parquetRows = Get-ViewRows 'ParquetShapes'

        $csvRows.Count | Should -Be 7
        $parquetRows | Should -Be $csvRows
        $parquetRows[0] | Should -Match 'Seen=dto:2019-07-10T08:30:00\.1234567\+02:00'
        $parquetRows[0] | Should -Match 'Count=Int64:9007199254740993'
        $parquetRows[2] | Should -Match 'Created=dt:2026-11-29T04:59:59\.9999999'
    }

    It 'does not convert an unchanged source again' {
        $again = Invoke-CISynapseExport -Name 'parquet' -Confirm:$false -WarningAction SilentlyContinue

        ($again.Entities | Where-Object Entity -EQ 'Shapes').Action | Should -Be 'Unchanged'
        $again.Files | Should -Be 0
    }

    It 'lands every entity again after -LandAs changes, and the view reads CSV again' {
        Set-CISynapseExport -Name 'parquet' -LandAs Csv

        $back = Invoke-CISynapseExport -Name 'parquet' -Confirm:$false -WarningAction SilentlyContinue

        ($back.Entities | Where-Object Entity -EQ 'Shapes').Action | Should -Be 'Landed'
        Get-ViewRows 'ParquetShapes' | Should -Be (Get-ViewRows 'CsvShapes')
        Set-CISynapseExport -Name 'parquet' -LandAs Parquet
    }
}

Describe 'Values that do not convert to Parquet' {
    BeforeAll {
        $script:BadFolder = Join-Path $TestDrive 'bad'
        Write-CdmFolder $BadFolder ([ordered]@{ 'Shapes/part.csv' = @(
                    ,@('1', 'ok', '2019-07-10T00:00:00Z', '', 'True', '1', '00000000-0000-4000-8000-000000000001', '', '1', '1', '')
                    ,@('2', 'bad', 'yesterday', '', 'maybe', '1', 'not-a-guid', '', '2', '2', '')
                ) }) 'Shapes' (Get-CISynapseTestShapeAttributes)
        $null = New-CISynapseExport -Name 'bad' -Connection 'lake' -Source $BadFolder -DatabaseName 'BadShapes' -Entity 'Shapes' -LandAs Parquet
    }

    It 'fail the entity by default with ParquetValueNotConverted naming the file, the columns and the values' {
        { Invoke-CISynapseExport -Name 'bad' -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*'

        $entity = (Get-CISynapseExportRun -Name 'bad' | Select-Object -First 1).Entities | Where-Object Entity -EQ 'Shapes'
        $entity.Action | Should -Be 'Failed'
        $entity.ErrorId | Should -Be 'ParquetValueNotConverted'
        $entity.Error | Should -Match ([regex]::Escape((Join-Path $BadFolder 'Shapes/part.csv')))
        $entity.Error | Should -Match "column 'Created' \(datetime2\(7\)\): 1 value\(s\), first 'yesterday'"
        $entity.Error | Should -Match "column 'Flag' \(bit\): 1 value\(s\), first 'maybe'"
        $entity.Error | Should -Match "column 'Key' \(uniqueidentifier\): 1 value\(s\), first 'not-a-guid'"
    }

    It 'land as NULL with -InvalidValue Null, counted per column in the run record' {
        Set-CISynapseExport -Name 'bad' -InvalidValue Null

        $run = Invoke-CISynapseExport -Name 'bad' -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $run.Status | Should -Be 'Succeeded'
        ($run.Entities | Where-Object Entity -EQ 'Shapes').Action | Should -Be 'Landed'
        $run.Warnings | Should -Contain "Entity 'Shapes': 1 values of column 'Flag' do not convert to bit and were landed as NULL (-InvalidValue Null), for example 'maybe'."
        $stored = Get-ChildItem -LiteralPath $StoreFolder -Recurse -Filter "$($run.RunId)*.json" | Select-Object -First 1 | Get-Content -Raw | ConvertFrom-Json -Depth 20
        $counts = @($stored.content.unconvertedValues + $stored.unconvertedValues | Where-Object { $_ } | ForEach-Object { "$($_.entity).$($_.column)=$($_.count)" })
        $counts | Sort-Object | Should -Be @('Shapes.Created=1', 'Shapes.Flag=1', 'Shapes.Key=1')
        $row = Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'BadShapes' -Query 'SELECT Id, Created, Flag, [Key] FROM [dbo].[Shapes] WHERE Id = 2'
        $row.Created | Should -BeNullOrEmpty
        $row.Flag | Should -BeNullOrEmpty
        $row.Key | Should -BeNullOrEmpty
    }
}
