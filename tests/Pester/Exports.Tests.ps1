# The Customer Insights documentation's "Configure an export" and "Update an export", step by step, against the
# Azure emulator and Azurite: the stored export document is read after every step. Then bad input (each with its
# ErrorId and nothing stored), the pipelines, and removal with the landed data.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:NoEmulator = -not (Get-Command Start-CISynapseTestStack -ErrorAction Ignore)
}

Describe 'Exports' -Skip:$NoEmulator {
    BeforeAll {
        Import-Module $env:CISYNAPSE_TEST_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
        $scenarioPath = Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json'
        $script:Prepared = Get-Content -Raw $scenarioPath | ConvertFrom-Json -AsHashtable
        $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
        $script:connectArgs = $Stack.ConnectArguments
        $script:signedIn = $Prepared.signedInUser
        $script:otherAdmin = 'a1b2c3d4-0000-4000-8000-000000000044'
        $script:account = $Prepared.storageAccounts[0].name
        $script:container = $Prepared.storageAccounts[0].containers[0].name
        $script:connection = @{
            SubscriptionId = $Prepared.subscriptions[0].subscriptionId; ResourceGroupName = $Prepared.synapseWorkspaces[0].resourceGroup
            WorkspaceName = $Prepared.synapseWorkspaces[0].name; StorageAccountName = $account; Container = $container
        }
        $script:lakeUrl = ($Stack.AzuriteBlobUrl -replace '/devstoreaccount1$', "/$account") + "/$container"
        $script:blobHeaders = @{ Authorization = "Bearer $($Stack.Tokens.Storage)"; 'x-ms-version' = '2021-08-06' }
        $null = Invoke-WebRequest -Method Put -Uri "$($lakeUrl)?restype=container" -Headers $blobHeaders

        # A Customer Insights CDM folder: model.json with CSV partitions.
        $script:source = Join-Path $TestDrive 'ci-export'
        $script:sourceEntities = 'Customer', 'UnifiedActivity', 'Segment_HighValue', 'Segment_Churn', 'Contact'
        $entities = foreach ($entity in $sourceEntities) {
            $null = New-Item -ItemType Directory -Force -Path (Join-Path $source $entity)
            Set-Content -LiteralPath (Join-Path $source "$entity/part-1.csv") -Value "1,a`n2,b"
            [ordered]@{
                '$type' = 'LocalEntity'; name = $entity
                attributes = @(@{ name = 'Id'; dataType = 'int64' }, @{ name = 'Name'; dataType = 'string' })
                partitions = @(@{ name = 'part-1'; location = "$entity/part-1.csv" })
            }
        }
        [ordered]@{ name = 'ci'; version = '1.0'; entities = @($entities) } | ConvertTo-Json -Depth 8 |
            Set-Content -LiteralPath (Join-Path $source 'model.json')

        function Read-StoredExport([string] $Name) {
            $path = Join-Path $storePath "exports/$($Name.ToLowerInvariant()).json"
            if (-not (Test-Path -LiteralPath $path)) { return $null }
            (Get-Content -Raw -LiteralPath $path | ConvertFrom-Json).content
        }

        function Get-StoredExportFile {
            @(Get-ChildItem -File -Path (Join-Path $storePath 'exports') -Filter *.json -ErrorAction Ignore)
        }

        function Get-LakeBlob {
            $response = Invoke-WebRequest -Uri "$($lakeUrl)?restype=container&comp=list" -Headers $blobHeaders
            $xml = [xml]($response.Content -replace '^[^<]+', '')
            @($xml.EnumerationResults.Blobs.Blob | ForEach-Object Name | Sort-Object)
        }

        function Add-LakeBlob([string] $Name) {
            $null = Invoke-WebRequest -Method Put -Uri "$lakeUrl/$Name" -Headers ($blobHeaders + @{ 'x-ms-blob-type' = 'BlockBlob' }) -Body "landed $Name"
        }

        function Clear-Lake {
            foreach ($blob in Get-LakeBlob) { $null = Invoke-WebRequest -Method Delete -Uri "$lakeUrl/$blob" -Headers $blobHeaders }
        }
    }

    AfterAll {
        if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
        Set-CISynapseStore -Default
        Disconnect-CISynapseAccount
    }

    BeforeEach {
        $script:storePath = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        Set-CISynapseStore -Location $storePath
        Connect-CISynapseAccount @connectArgs
        $null = New-CISynapseConnection -Name 'Contoso lake' -UsableBy AdministratorsAndContributors @connection -WarningAction SilentlyContinue
        Clear-Lake
    }

    Context 'Configure an export' {
        It 'walks the documented steps and saving runs nothing' {
            # 1. Go to Data > Exports: there are none yet.
            Get-CISynapseExport | Should -BeNullOrEmpty
            Get-StoredExportFile | Should -BeNullOrEmpty

            # 2-3. Add export, choosing a connection of type Azure Synapse Analytics (the ones available to the user).
            $available = Get-CISynapseConnection
            $available.Name | Should -Be 'Contoso lake'

            # 4-6. Display name and database name, the entities, Save.
            $saved = $available | New-CISynapseExport -Name 'Sales' -DisplayName 'Sales to Synapse' -DatabaseName 'CustomerInsights' `
                -Source $source -Entity 'Customer', 'UnifiedActivity'

            $saved.Name | Should -Be 'Sales'
            $saved.ConnectionName | Should -Be 'Contoso lake'
            $saved.Entities | Should -Be @('Customer', 'UnifiedActivity')
            $saved.QueryAccessMode | Should -Be 'CallerIdentity'
            $saved.DeploymentMode | Should -Be 'Apply'
            $saved.Revision | Should -Be 1
            $stored = Read-StoredExport 'Sales'
            $stored.name | Should -Be 'Sales'
            $stored.displayName | Should -Be 'Sales to Synapse'
            $stored.connectionName | Should -Be 'Contoso lake'
            $stored.source | Should -Be $source
            $stored.databaseName | Should -Be 'CustomerInsights'
            $stored.entities | Should -Be @('Customer', 'UnifiedActivity')
            $stored.queryAccess | Should -Be 'CallerIdentity'
            $stored.createdBy | Should -Be $signedIn
            @($stored.removedEntities).Count | Should -Be 0
            @($stored.formerDatabases).Count | Should -Be 0

            # Saving an export doesn't run it: nothing was landed.
            Get-LakeBlob | Should -BeNullOrEmpty
            (Get-CISynapseExport -Name 'sales').DisplayName | Should -Be 'Sales to Synapse'
        }

        It 'expands wildcards against the source when saving, once each and in the source order' {
            $null = New-CISynapseExport -Name 'Segments' -Connection 'Contoso lake' -Source $source -DatabaseName 'ci_segments' `
                -Entity 'segment_*', 'Contact', 'Segment_Churn' -QueryAccessMode WorkspaceIdentity -DeploymentMode ScriptOnly

            $stored = Read-StoredExport 'Segments'
            $stored.entities | Should -Be @('Segment_HighValue', 'Segment_Churn', 'Contact')
            $stored.queryAccess | Should -Be 'WorkspaceIdentity'
            $stored.deployment | Should -Be 'ScriptOnly'
        }

        It 'reads a source in the data lake with the signed-in account' {
            foreach ($file in Get-ChildItem -Recurse -File $source) {
                $relative = [IO.Path]::GetRelativePath($source, $file.FullName).Replace('\', '/')
                $null = Invoke-WebRequest -Method Put -Uri "$lakeUrl/ci-source/$relative" -Headers ($blobHeaders + @{ 'x-ms-blob-type' = 'BlockBlob' }) -InFile $file.FullName
            }

            $saved = New-CISynapseExport -Name 'FromLake' -Connection 'Contoso lake' -Source "$lakeUrl/ci-source" -DatabaseName 'ci_lake' -Entity '*Activity', 'Contact'

            $saved.Entities | Should -Be @('UnifiedActivity', 'Contact')
            (Read-StoredExport 'FromLake').source | Should -Be "$lakeUrl/ci-source"
        }

        It 'tab-completes entity names from -Source and export names from the store' {
            $null = New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'CustomerInsights' -Entity 'Customer'

            $line = "New-CISynapseExport -Source '$source' -Entity Segment_"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Segment_HighValue', 'Segment_Churn')
            $line = 'Get-CISynapseExport -Name sa'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'Sales'
            $line = 'Set-CISynapseExport -Name Sales -RemoveEntity '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'Customer'
            $line = 'Set-CISynapseExport -Name Sales -AddEntity Uni'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'UnifiedActivity'
        }

        It '-WhatIf stores nothing' {
            New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'CustomerInsights' -Entity 'Customer' -WhatIf
            Get-StoredExportFile | Should -BeNullOrEmpty
        }
    }

    Context 'Update an export' {
        BeforeEach {
            $null = New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'CustomerInsights' -Entity 'Customer', 'UnifiedActivity'
        }

        It 'walks the documented steps, keeping the history' {
            $createdOn = [DateTimeOffset](Read-StoredExport 'Sales').createdOn

            # Edit: add an entity; it takes its place in the source's order.
            Set-CISynapseExport -Name 'Sales' -AddEntity 'Contact', 'Segment_High*'
            $stored = Read-StoredExport 'Sales'
            $stored.entities | Should -Be @('Customer', 'UnifiedActivity', 'Segment_HighValue', 'Contact')
            @($stored.removedEntities).Count | Should -Be 0

            # Remove an entity: it is not deleted in Synapse, only no longer updated, and the history says so.
            $before = [DateTimeOffset]::UtcNow
            Set-CISynapseExport -Name 'Sales' -RemoveEntity 'UnifiedActivity'
            $stored = Read-StoredExport 'Sales'
            $stored.entities | Should -Be @('Customer', 'Segment_HighValue', 'Contact')
            $stored.removedEntities.Count | Should -Be 1
            $stored.removedEntities[0].name | Should -Be 'UnifiedActivity'
            $stored.removedEntities[0].databaseName | Should -Be 'CustomerInsights'
            [DateTimeOffset]$stored.removedEntities[0].removedOn | Should -BeGreaterOrEqual $before.AddSeconds(-1)

            # Change the database name: a new database from now on, the previous one receives no more updates.
            $updated = Set-CISynapseExport -Name 'Sales' -DatabaseName 'CustomerInsights2' -PassThru
            $stored = Read-StoredExport 'Sales'
            $stored.databaseName | Should -Be 'CustomerInsights2'
            $stored.formerDatabases.Count | Should -Be 1
            $stored.formerDatabases[0].databaseName | Should -Be 'CustomerInsights'
            [DateTimeOffset]$stored.formerDatabases[0].since | Should -Be $createdOn
            [DateTimeOffset]$stored.formerDatabases[0].until | Should -Be ([DateTimeOffset]$stored.databaseSince)
            $updated.FormerDatabases[0].DatabaseName | Should -Be 'CustomerInsights'
            $updated.RemovedEntities[0].Name | Should -Be 'UnifiedActivity'

            # Adding a removed entity back takes it out of the history.
            Set-CISynapseExport -Name 'Sales' -AddEntity 'UnifiedActivity'
            $stored = Read-StoredExport 'Sales'
            $stored.entities | Should -Be @('Customer', 'UnifiedActivity', 'Segment_HighValue', 'Contact')
            @($stored.removedEntities).Count | Should -Be 0

            # Get-CISynapseExport shows the current state, -Detailed the history.
            $plain = Get-CISynapseExport -Name 'Sales'
            $plain.RemovedEntities | Should -BeNullOrEmpty
            $plain.DatabaseName | Should -Be 'CustomerInsights2'
            (Get-CISynapseExport -Name 'Sales' -Detailed).FormerDatabases.DatabaseName | Should -Be 'CustomerInsights'
            $plain.Revision | Should -Be 5
        }

        It 'replaces the selection with -Entity and records what left it' {
            Set-CISynapseExport -Name 'Sales' -Entity 'Segment_*'

            $stored = Read-StoredExport 'Sales'
            $stored.entities | Should -Be @('Segment_HighValue', 'Segment_Churn')
            $stored.removedEntities.name | Should -Be @('Customer', 'UnifiedActivity')
        }

        It 'binds piped exports by property name and refuses a stale one' {
            $stale = Get-CISynapseExport -Name 'Sales'
            Get-CISynapseExport -Name 'Sal*' | Set-CISynapseExport -AddEntity 'Contact'
            (Read-StoredExport 'Sales').entities | Should -Be @('Customer', 'UnifiedActivity', 'Contact')

            { $stale | Set-CISynapseExport -AddEntity 'Segment_Churn' -ErrorAction Stop } | Should -Throw -ErrorId 'StoreConflict,*'
            (Read-StoredExport 'Sales').entities | Should -Be @('Customer', 'UnifiedActivity', 'Contact')
        }

        It 'reports <ErrorId> for <Case> and changes nothing' -ForEach @(
            @{ Case = 'an entity the source lacks'; ErrorId = 'EntityNotFound'; Change = @{ AddEntity = 'Orders' } }
            @{ Case = 'an entity not selected'; ErrorId = 'EntityNotInExport'; Change = @{ RemoveEntity = 'Contact' } }
            @{ Case = 'removing everything'; ErrorId = 'ExportHasNoEntities'; Change = @{ RemoveEntity = '*' } }
            @{ Case = 'a reserved database'; ErrorId = 'DatabaseNameReserved'; Change = @{ DatabaseName = 'master' } }
            @{ Case = 'a case-only rename'; ErrorId = 'DatabaseNameCaseChange'; Change = @{ DatabaseName = 'customerinsights' } }
            @{ Case = 'an unknown export'; ErrorId = 'ExportNotFound'; Change = @{ Name = 'Ghost'; DisplayName = 'x' } }
        ) {
            $before = Get-Content -Raw (Join-Path $storePath 'exports/sales.json')
            $parameters = @{ Name = 'Sales' }
            foreach ($key in $Change.Keys) { $parameters[$key] = $Change[$key] }
            { Set-CISynapseExport @parameters -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
            Get-Content -Raw (Join-Path $storePath 'exports/sales.json') | Should -Be $before
        }
    }

    Context 'Bad input' {
        It 'refuses <Case> with <ErrorId> and stores nothing' -ForEach @(
            @{ Case = 'an unknown connection'; ErrorId = 'ConnectionNotFound'; Change = @{ Connection = 'Nowhere' } }
            @{ Case = 'an unknown entity'; ErrorId = 'EntityNotFound'; Change = @{ Entity = 'Customer', 'Orders', 'Zz*' } }
            @{ Case = 'a too long database name'; ErrorId = 'DatabaseNameLength'; Change = @{ DatabaseName = 'd' * 129 } }
            @{ Case = 'a database name with a space'; ErrorId = 'DatabaseNameCharacters'; Change = @{ DatabaseName = 'Customer Insights' } }
            @{ Case = 'a database name with a slash'; ErrorId = 'DatabaseNameCharacters'; Change = @{ DatabaseName = 'ci/eu' } }
            @{ Case = 'a database name starting with a digit'; ErrorId = 'DatabaseNameCharacters'; Change = @{ DatabaseName = '2024ci' } }
            @{ Case = 'the master database'; ErrorId = 'DatabaseNameReserved'; Change = @{ DatabaseName = 'master' } }
            @{ Case = 'the tempdb database'; ErrorId = 'DatabaseNameReserved'; Change = @{ DatabaseName = 'TEMPDB' } }
        ) {
            $parameters = @{ Name = 'Sales'; Connection = 'Contoso lake'; Source = $source; DatabaseName = 'CustomerInsights'; Entity = 'Customer' }
            foreach ($key in $Change.Keys) { $parameters[$key] = $Change[$key] }

            { New-CISynapseExport @parameters -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
            Get-StoredExportFile | Should -BeNullOrEmpty
        }

        It 'names every entity that matches nothing' {
            $failure = $null
            New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'ci' -Entity 'Customer', 'Orders', 'Zz*' -ErrorVariable failure -ErrorAction SilentlyContinue
            $failure[0].Exception.Message | Should -Match "'Orders', 'Zz\*'"
        }

        It 'refuses a second export of the connection that feeds the same database' {
            $null = New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'CustomerInsights' -Entity 'Customer'

            { New-CISynapseExport -Name 'Marketing' -Connection 'Contoso lake' -Source $source -DatabaseName 'customerINSIGHTS' -Entity 'Contact' -ErrorAction Stop } |
                Should -Throw -ErrorId 'DatabaseNameInUse,*'
            (Get-StoredExportFile).Name | Should -Be 'sales.json'
        }

        It 'refuses the same database through another connection to the same workspace and container' {
            $null = New-CISynapseConnection -Name 'Second' @connection
            $null = New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'CustomerInsights' -Entity 'Customer'

            { New-CISynapseExport -Name 'Finance' -Connection 'Second' -Source $source -DatabaseName 'CustomerInsights' -Entity 'Contact' -ErrorAction Stop } |
                Should -Throw -ErrorId 'DatabaseNameInUse,*'
            (Get-StoredExportFile).Name | Should -Be 'sales.json'
        }

        It 'refuses a Contributor on an Administrators-only connection, and lets it use a connection for Contributors' {
            $null = New-CISynapseConnection -Name 'Admins only' -UsableBy Administrators @connection
            # Another Administrator takes over, and the signed-in user becomes a Contributor.
            $null = Grant-CISynapseRole -PrincipalId $otherAdmin -Role Administrator
            $null = Grant-CISynapseRole -PrincipalId $signedIn -Role Contributor
            (Get-CISynapseRole -PrincipalId $signedIn).Role | Should -Be 'Contributor'

            { New-CISynapseExport -Name 'Sales' -Connection 'Admins only' -Source $source -DatabaseName 'ci' -Entity 'Customer' -ErrorAction Stop } |
                Should -Throw -ErrorId 'RoleRequired,*'
            Get-StoredExportFile | Should -BeNullOrEmpty

            $mine = New-CISynapseExport -Name 'Mine' -Connection 'Contoso lake' -Source $source -DatabaseName 'ci' -Entity 'Customer'
            $mine.CreatedBy | Should -Be $signedIn
            (Get-StoredExportFile).Name | Should -Be 'mine.json'
        }
    }

    Context 'Pipelines' {
        It 'binds a piped connection to -Connection' {
            $export = Get-CISynapseConnection -Name 'Contoso lake' | New-CISynapseExport -Name 'Piped' -Source $source -DatabaseName 'ci_piped' -Entity 'Contact'
            $export.ConnectionName | Should -Be 'Contoso lake'
            (Read-StoredExport 'Piped').connectionName | Should -Be 'Contoso lake'
        }

        It 'changes every piped export' {
            $null = New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'ci_sales' -Entity 'Customer'
            $null = New-CISynapseExport -Name 'Service' -Connection 'Contoso lake' -Source $source -DatabaseName 'ci_service' -Entity 'Contact'

            $changed = Get-CISynapseExport -Name 'S*' | Set-CISynapseExport -AddEntity 'Segment_*' -PassThru

            $changed.Name | Should -Be @('Sales', 'Service')
            (Read-StoredExport 'Sales').entities | Should -Be @('Customer', 'Segment_HighValue', 'Segment_Churn')
            (Read-StoredExport 'Service').entities | Should -Be @('Segment_HighValue', 'Segment_Churn', 'Contact')
        }

        It 'keeps the connection from being removed while the export uses it' {
            $null = New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'ci' -Entity 'Customer'
            { Remove-CISynapseConnection -Name 'Contoso lake' -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionInUse,*'
        }
    }

    Context 'Names' {
        It "matches 'Sales [EU]' the same way in every Get- cmdlet: the name itself and what its wildcard matches" {
            foreach ($name in 'Sales [EU]', 'Sales E', 'Marketing') {
                $null = New-CISynapseConnection -Name $name @connection -WarningAction SilentlyContinue
            }
            $null = New-CISynapseExport -Name 'Sales [EU]' -Connection 'Contoso lake' -Source $source -DatabaseName 'ci_eu' -Entity 'Customer'
            $null = New-CISynapseExport -Name 'Sales E' -Connection 'Contoso lake' -Source $source -DatabaseName 'ci_e' -Entity 'Contact'

            (Get-CISynapseConnection -Name 'Sales [EU]').Name | Should -Be @('Sales E', 'Sales [EU]')
            (Get-CISynapseExport -Name 'Sales [EU]').Name | Should -Be @('Sales E', 'Sales [EU]')
            (Get-CISynapseConnection -Name 'sales `[eu`]').Name | Should -Be 'Sales [EU]'
            (Get-CISynapseExport -Name 'sales `[eu`]').Name | Should -Be 'Sales [EU]'
        }
    }

    Context 'Remove an export' {
        It 'removes only the definition unless asked' {
            $null = New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'CustomerInsights' -Entity 'Customer'
            Add-LakeBlob 'CustomerInsights/Customer/s1/part-1.csv'

            Get-CISynapseExport -Name 'Sales' | Remove-CISynapseExport -Confirm:$false

            Get-StoredExportFile | Should -BeNullOrEmpty
            Get-LakeBlob | Should -Be 'CustomerInsights/Customer/s1/part-1.csv'
        }

        It 'with -RemoveLandedData deletes its folders in every database it fed and touches nothing else' {
            $null = New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'CustomerInsights' -Entity 'Customer', 'UnifiedActivity', 'Contact'
            Set-CISynapseExport -Name 'Sales' -RemoveEntity 'Contact'
            Set-CISynapseExport -Name 'Sales' -DatabaseName 'CI2'
            $null = New-CISynapseExport -Name 'Other' -Connection 'Contoso lake' -Source $source -DatabaseName 'Shared' -Entity 'Customer'
            $mine = 'CI2/Customer/s2/part-1.csv', 'CI2/UnifiedActivity/s2/part-1.csv', 'CI2/_sql/run2.sql', 'CI2/model.json',
                'CustomerInsights/Contact/s0/part-1.csv', 'CustomerInsights/Customer/s1/part-1.csv', 'CustomerInsights/UnifiedActivity/s1/part-1.csv',
                'CustomerInsights/_sql/run1.sql', 'CustomerInsights/model.json'
            $others = 'CI2/_lock', 'CustomerInsights/CustomerX/s1/part-1.csv', 'CustomerInsights/Segment_Churn/s1/part-1.csv',
                'Shared/Customer/s1/part-1.csv', 'Shared/model.json', 'Unrelated/readme.txt'
            foreach ($blob in $mine + $others) { Add-LakeBlob $blob }

            Remove-CISynapseExport -Name 'Sales' -RemoveLandedData -WhatIf
            (Get-LakeBlob).Count | Should -Be ($mine.Count + $others.Count)
            Read-StoredExport 'Sales' | Should -Not -BeNullOrEmpty

            $removal = Remove-CISynapseExport -Name 'Sales' -RemoveLandedData -Confirm:$false

            $removal.DeletedBlobs | Sort-Object | Should -Be ($mine | Sort-Object)
            Get-LakeBlob | Should -Be ($others | Sort-Object)
            Read-StoredExport 'Sales' | Should -BeNullOrEmpty
            (Read-StoredExport 'Other').databaseName | Should -Be 'Shared'
        }

        It 'runs the drop script against the endpoint Resource Manager names, and keeps everything when it fails' {
            # Bound and never listening: connections are refused, and no other process can take the port meanwhile.
            $refusing = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::InterNetwork, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Tcp)
            $refusing.Bind([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
            $port = $refusing.LocalEndPoint.Port
            $changed = $Prepared | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable
            $changed.synapseWorkspaces[0].connectivityEndpoints = @{ sqlOnDemand = "127.0.0.1,$port" }
            Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $changed
            try {
                $null = New-CISynapseExport -Name 'Sales' -Connection 'Contoso lake' -Source $source -DatabaseName 'CustomerInsights' -Entity 'Customer'
                Add-LakeBlob 'CustomerInsights/Customer/s1/part-1.csv'

                { Remove-CISynapseExport -Name 'Sales' -RemoveLandedData -RemoveDatabaseObjects -Confirm:$false -ErrorAction Stop } |
                    Should -Throw -ErrorId 'SqlConnectionFailed,*'
                Read-StoredExport 'Sales' | Should -Not -BeNullOrEmpty
                Get-LakeBlob | Should -Be 'CustomerInsights/Customer/s1/part-1.csv'
            }
            finally {
                Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $Prepared
                $refusing.Dispose()
            }
        }

        It 'with -RemoveDatabaseObjects returns the drop script of a ScriptOnly export' {
            $null = New-CISynapseExport -Name 'Audit' -Connection 'Contoso lake' -Source $source -DatabaseName 'ci_audit' -Entity 'Customer', 'Contact' -DeploymentMode ScriptOnly

            $removal = Remove-CISynapseExport -Name 'Audit' -RemoveDatabaseObjects -Confirm:$false -WarningAction SilentlyContinue

            $removal.SqlApplied | Should -BeFalse
            $removal.SqlScript | Should -Match ([regex]::Escape('DROP VIEW IF EXISTS [dbo].[Customer];'))
            $removal.SqlScript | Should -Match ([regex]::Escape('DROP VIEW IF EXISTS [dbo].[Contact];'))
            $removal.SqlScript | Should -Not -Match 'DROP DATABASE \['
            Read-StoredExport 'Audit' | Should -BeNullOrEmpty
        }
    }
}
