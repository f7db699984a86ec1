// The Functions host's storage (AzureWebJobsStorage: timer locks, host keys)
// and the Flex Consumption deployment package container. Entra ID only: no
// account keys, no anonymous blob access.

param location string
param tags object
param storageAccountName string
param deploymentContainerName string

@description('The private container of the documents requests carry (SOW, WBS, cost breakdown); shared/topology.py DOCUMENTS_CONTAINER.')
param documentsContainerName string = 'documents'

@description('Microsoft Defender for Storage malware scanning on upload: each new blob gets the index tag "Malware Scanning scan result"; the app then serves only documents tagged "No threats found" (FTA_DOCUMENTS_REQUIRE_SCAN).')
param malwareScanning bool = false

@description('The most GB Defender scans per month (then scanning pauses until the next month).')
param malwareScanningCapGBPerMonth int = 100

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  // checkov:skip=CKV_AZURE_35: Flex Consumption without VNet integration reaches its host storage through the public endpoint (App Service is not a trusted-service bypass); shared keys are off, so every call needs an Entra ID token.
  // checkov:skip=CKV_AZURE_59: Same as CKV_AZURE_35: the endpoint stays public for the Flex host, with shared keys and anonymous blob access off.
  // checkov:skip=CKV_AZURE_206: Holds only re-creatable host state and deployment packages (azd deploy uploads them again); geo-replication would add cost and protect nothing.
  // checkov:skip=CKV_AZURE_43: The name is a parameter ('st' + uniqueString: 15 lowercase letters and digits) that checkov cannot evaluate.
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: {
          enabled: true
          keyType: 'Account'
        }
        file: {
          enabled: true
          keyType: 'Account'
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Documents' bytes: private (no anonymous access), read and written by the app's identity
// with Storage Blob Data Contributor on this container only (roles.bicep).
resource documentsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: documentsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource defenderForStorage 'Microsoft.Security/defenderForStorageSettings@2022-12-01-preview' = if (malwareScanning) {
  name: 'current'
  scope: storageAccount
  properties: {
    isEnabled: true
    overrideSubscriptionLevelSettings: true
    malwareScanning: {
      onUpload: {
        isEnabled: true
        capGBPerMonth: malwareScanningCapGBPerMonth
      }
    }
    sensitiveDataDiscovery: {
      isEnabled: false
    }
  }
}

output storageAccountName string = storageAccount.name
output blobEndpoint string = storageAccount.properties.primaryEndpoints.blob
output deploymentContainerUrl string = '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainer.name}'
output documentsContainerName string = documentsContainer.name
