#!/usr/bin/env python3
"""Does a smoothed end of a search training's curve predict its error on new seeds better than
its least validation error? (issue 43; no new trainings.) For each line of
bench/results/finalist_rules_seeds_16-30.jsonl (the finalist candidates of a stored hsic or random
study, each retrained with 3 new seeds), the candidates' log mean error on the new seeds against
four scores of their search curve (the least error, the median and the geometric mean of the last
5 epochs, the least 3-epoch moving average of the log error), centred within each study; the
pooled correlation per case.

Usage: /usr/bin/python3 bench/finalist_curve_scores.py   (needs the studies in out/optimizer_wall)
"""
import json, math, statistics as st, numpy as np, sys
sys.path.insert(0,'python'); import hsicho
L=[json.loads(l) for l in open('bench/results/finalist_rules_seeds_16-30.jsonl')]
cache={}
res={k:[] for k in ['least','median_last5','geo_last5','min_ma3']}
for l in L:
    key=(l['case'],l['method'],l['seed'])
    s=hsicho.load(f"out/optimizer_wall/{l['case']}_{l['method']}_{l['seed']}.h5")
    cur=s.curves
    xs={k:[] for k in res}; ys=[]
    for c in l['candidates']:
        v=[x for x in c['val'] if math.isfinite(x)]
        if len(v)<3: continue
        row=cur.loc[c['config']].dropna().values
        if len(row)<5: continue
        ys.append(math.log(st.mean(v)))
        xs['least'].append(math.log(c['search_error']))
        xs['median_last5'].append(math.log(np.median(row[-5:])))
        xs['geo_last5'].append(np.mean(np.log(row[-5:])))
        ma=np.convolve(np.log(row),np.ones(3)/3,mode='valid'); xs['min_ma3'].append(ma.min())
    if len(ys)<4: continue
    y=np.array(ys)-np.mean(ys)
    for k in res:
        x=np.array(xs[k])-np.mean(xs[k]); res[k].append((l['case'],x,y))
for case in ['runge','bateman','runge2d']:
    for k in res:
        X=np.concatenate([x for c,x,y in res[k] if c==case]); Y=np.concatenate([y for c,x,y in res[k] if c==case])
        from scipy.stats import spearmanr
        print(case,k,'pooled within-study corr %.2f spearman %.2f'%(np.corrcoef(X,Y)[0,1], spearmanr(X,Y).correlation), len(X))
