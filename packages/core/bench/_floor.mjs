import { createHash, hash } from 'node:crypto';
import { aggregate } from '@kpl-lambda/core';
import awsKinesisAgg from 'aws-kinesis-agg';
const N=20000;
const recs = Array.from({length:N},(_,i)=>({partitionKey:`key-${i%1000}`, data: Buffer.alloc(200, i%251)}));
const refRecs = recs.map(r=>({partitionKey:r.partitionKey, data:r.data}));
function ref(){ const out=[]; new awsKinesisAgg.RecordAggregator().aggregateRecords(refRecs,true,(e,enc)=>out.push(enc)); return out;}
const big = Buffer.alloc(4_400_000, 7);
const chunks = [0,1,2,3,4].map(i=>big.subarray(i*880000,(i+1)*880000));
function md5(){ for(const c of chunks) createHash('md5').update(c).digest(); }
function copy(){ const out=Buffer.allocUnsafe(4_400_000+N*20); let p=0; for(const r of recs){ out[p++]=26; out[p++]=200; out[p++]=1; out.set(r.data,p); p+=200;} return out;}
function t(name,f,n=200){ for(let i=0;i<30;i++)f(); const s=process.hrtime.bigint(); for(let i=0;i<n;i++)f(); console.log(name, (Number(process.hrtime.bigint()-s)/1e6/n).toFixed(2),'ms'); }
for (let k=0;k<2;k++){
t('md5 4.4MB',md5); t('copy',copy); t('ours',()=>aggregate(recs)); t('ref',ref);
}
